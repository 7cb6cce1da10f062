package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.Artifact;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The catalog's behaviour, on H2 and on the PostgreSQL server of this machine. */
class CatalogTest {
  @AfterAll
  static void dropSchemas() throws Exception {
    TestCatalogs.dropSchemas();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  private static Catalog open(String db) throws Exception {
    return TestCatalogs.open(db);
  }

  private static final SweepSpec SPEC =
      new SweepSpec(
          "t",
          "3dgan",
          0.25,
          List.of("cpu"),
          List.of(Precision.FP32),
          List.of(4, 8),
          List.of(1),
          1,
          3,
          new FullTraining(1000, 2),
          Map.of(),
          null,
          null,
          null);

  private static List<JobSpec> store(Catalog catalog, String sweepId) {
    List<JobSpec> jobs = SPEC.expand(sweepId);
    catalog.insertSweep(sweepId, SPEC, "{}", jobs, 1_000, "alice");
    return jobs;
  }

  /** A complete run: started, a power sample, 3 batches of 2, 3 and 4 J, completed at 9 J. */
  static List<RunEvent> run(JobSpec job, String runId) {
    var events = new ArrayList<RunEvent>();
    var cpu = new DeviceInfo(0, "cpu", "cpu-0", "test CPU", "amd64", 20, "");
    events.add(
        new RunStarted(
            job.jobId(),
            runId,
            0,
            2_000,
            "w1",
            "host",
            Precision.FP32,
            Precision.FP32,
            "",
            List.of(cpu),
            EnergyMethod.TDP_ESTIMATE,
            1.0,
            100,
            10,
            1_000_000,
            "test",
            null,
            null,
            null,
            null));
    events.add(new PowerSample(job.jobId(), runId, 1, 2_100, 15.0, EnergyMethod.TDP_ESTIMATE));
    double[] joules = {2, 3, 4};
    for (int i = 0; i < 3; i++) {
      events.add(
          new BatchMeasured(
              job.jobId(), runId, 2 + i, 2_200 + i, i, 500_000_000L, joules[i], 0.01, 0.7, 0.6));
    }
    events.add(
        new RunCompleted(
            job.jobId(),
            runId,
            5,
            3_000,
            3,
            1_500_000_000L,
            9.0,
            1.0,
            EnergyMethod.TDP_ESTIMATE,
            null,
            null,
            null,
            null));
    return events;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void submittedSweepHoldsItsJobsQueued(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      store(catalog, "sw-1");

      SweepView view = catalog.sweep("sw-1").orElseThrow();
      assertEquals(2, view.jobs().size());
      assertTrue(view.jobs().stream().allMatch(j -> j.state().equals("QUEUED") && j.run() == null));
      assertEquals(2, view.jobCounts().get("QUEUED"));
      assertEquals(2, catalog.unpublishedJobs(2_000).size(), "not yet acknowledged by Kafka");
      catalog.markPublished(List.of(view.jobs().get(0).jobId()), 1_500);
      assertEquals(1, catalog.unpublishedJobs(2_000).size());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aJobPublishedAgainStillNamesItsDataset(String db) throws Exception {
    var spec =
        new SweepSpec(
            "t",
            "3dgan",
            1,
            List.of("cpu"),
            List.of(Precision.FP32),
            List.of(4),
            List.of(1),
            1,
            3,
            new FullTraining(1000, 2),
            java.util.Map.of(),
            null,
            "/data/EleEscan_1_1.h5",
            null);
    try (Catalog catalog = open(db)) {
      catalog.insertSweep("sw-d", spec, "{}", spec.expand("sw-d"), 1_000, "alice");
      store(catalog, "sw-s");

      var jobs = catalog.unpublishedJobs(2_000);
      assertEquals(
          List.of("/data/EleEscan_1_1.h5"),
          jobs.stream().filter(j -> j.sweepId().equals("sw-d")).map(JobSpec::dataset).toList());
      assertTrue(
          jobs.stream().filter(j -> j.sweepId().equals("sw-s")).allMatch(j -> j.dataset() == null),
          "a synthetic job keeps no dataset");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aPerGpuJobIsExtrapolatedFromItsGlobalBatch(String db) throws Exception {
    var spec =
        new SweepSpec(
            "t",
            "3dgan",
            0.25,
            List.of("cpu"),
            List.of(Precision.FP32),
            List.of(4),
            List.of(2),
            1,
            3,
            new FullTraining(1000, 2),
            java.util.Map.of(),
            null,
            null,
            BatchSemantics.PER_GPU);
    try (Catalog catalog = open(db)) {
      JobSpec job = spec.expand("sw-pg").get(0);
      catalog.insertSweep("sw-pg", spec, "{}", List.of(job), 1_000, "alice");
      assertEquals(List.of(job), catalog.unpublishedJobs(2_000), "published again as it was");

      catalog.ingest(run(job, "r1"), 5_000);

      SweepView.JobView view = catalog.sweep("sw-pg").orElseThrow().jobs().get(0);
      assertEquals("4 per GPU, 8 global", view.batch());
      assertEquals(
          125 * 2,
          view.run().fullTraining().batches(),
          "1000 samples / global batch 4 x 2 GPUs, 2 epochs");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void completedRunGetsItsEnergyReport(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(0);

      assertEquals(6, catalog.ingest(run(job, "r1"), 5_000));

      SweepView.JobView view = catalog.sweep("sw-1").orElseThrow().jobs().get(0);
      assertEquals("COMPLETED", view.state());
      SweepView.RunView r = view.run();
      assertEquals(3.0, r.energyPerBatchJoules(), 1e-9, "9 J over 3 batches");
      assertEquals(0.5, r.secondsPerBatch(), 1e-9);
      assertEquals(1.0, r.energyPerBatchStdDevJoules(), 1e-9, "sd of 2, 3, 4");
      assertEquals(4.303 * 1.0 / Math.sqrt(3), r.energyPerBatchCi95Joules(), 1e-6);
      assertEquals(3.0 - 1.0 * 0.5, r.netEnergyPerBatchJoules(), 1e-9, "idle 1 W for 0.5 s");
      assertEquals(250 * 2, r.fullTraining().batches(), "1000 samples / batch 4, 2 epochs");
      assertEquals(3.0 * 500, r.fullTraining().energyJoules(), 1e-6);
      assertEquals("tdp-estimate", r.energyMethod());
      assertTrue(r.energyIsEstimate());
      assertEquals(3, catalog.batches("r1").size());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void eachCompletedRunRegistersANewModelVersionWithItsProvenance(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      List<JobSpec> jobs = store(catalog, "sw-1");
      catalog.ingest(withBuild(run(jobs.get(0), "r1"), ARCHITECTURE, REVISION), 5_000);
      catalog.ingest(run(jobs.get(1), "r2"), 6_000);

      List<ModelVersion> versions = catalog.modelVersions("3dgan");
      assertEquals(List.of(2, 1), versions.stream().map(ModelVersion::version).toList());
      assertEquals(ARCHITECTURE, versions.get(1).architecture());
      assertEquals(REVISION, versions.get(1).sourceRevision());
      assertNull(versions.get(0).architecture(), "r2's worker reported none");
      assertNull(versions.get(0).sourceRevision());
      ModelVersion v1 = versions.get(1);
      assertEquals("r1", v1.runId());
      assertEquals("sw-1", v1.sweepId());
      assertEquals("alice", v1.submittedBy());
      assertEquals(100L, v1.generatorParameters());
      assertEquals(1_000_000L, v1.flopsPerStep());
      assertEquals(0.25, v1.scale());
      catalog.ingest(run(jobs.get(0), "r1"), 7_000);
      assertEquals(2, catalog.modelVersions("3dgan").size(), "a redelivered run adds none");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aModelVersionKeepsTheArtifactItsRunSaved(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      List<JobSpec> jobs = store(catalog, "sw-1");
      catalog.ingest(withArtifact(run(jobs.get(0), "r1"), ARTIFACT), 5_000);
      catalog.ingest(run(jobs.get(1), "r2"), 6_000);

      List<ModelVersion> versions = catalog.modelVersions("3dgan");
      ModelVersion saved = versions.get(1);
      ModelVersion none = versions.get(0);
      assertEquals("r1", saved.runId());
      assertEquals(ARTIFACT.uri(), saved.artifactUri());
      assertEquals(ARTIFACT.sha256(), saved.artifactSha256());
      assertEquals(ARTIFACT.bytes(), saved.artifactBytes());
      assertNull(none.artifactUri());
      assertNull(none.artifactSha256());
      assertNull(none.artifactBytes());

      // Redelivered, even with another artifact in it, the completion changes nothing.
      var other = new Artifact("file:///elsewhere/generator.zip", "0".repeat(64), 1);
      assertEquals(0, catalog.ingest(withArtifact(run(jobs.get(0), "r1"), other), 7_000));
      assertEquals(versions, catalog.modelVersions("3dgan"));
    }
  }

  private static final Artifact ARTIFACT =
      new Artifact(
          "file:///data/artifacts/3dgan/sw-1/j/r1/generator.zip",
          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          1_234_567L);

  private static final String ARCHITECTURE =
      "generator (100 parameters): dense/w 10x10\n" + "discriminator (10 parameters): dense/w 10x1";
  private static final String REVISION = "9120b52addb297e72ff6c2176e71996c60ea7201-dirty";

  /** The run's events with its start saying what was built and from which commit. */
  private static List<RunEvent> withBuild(
      List<RunEvent> events, String architecture, String revision) {
    var out = new ArrayList<RunEvent>();
    for (RunEvent e : events) {
      out.add(
          e instanceof RunStarted s
              ? new RunStarted(
                  s.jobId(),
                  s.runId(),
                  s.seq(),
                  s.atMs(),
                  s.workerId(),
                  s.host(),
                  s.precisionRequested(),
                  s.precisionRan(),
                  s.precisionNote(),
                  s.devices(),
                  s.energyMethod(),
                  s.idlePowerWatts(),
                  s.generatorParameters(),
                  s.discriminatorParameters(),
                  s.flopsPerStep(),
                  s.framework(),
                  s.workerFullTraining(),
                  architecture,
                  revision,
                  null)
              : e);
    }
    return out;
  }

  /** The run's events with its completion carrying {@code artifact}. */
  private static List<RunEvent> withArtifact(List<RunEvent> events, Artifact artifact) {
    var out = new ArrayList<RunEvent>();
    for (RunEvent e : events) {
      out.add(
          e instanceof RunCompleted c
              ? new RunCompleted(
                  c.jobId(),
                  c.runId(),
                  c.seq(),
                  c.atMs(),
                  c.measuredBatches(),
                  c.spanDurationNanos(),
                  c.spanEnergyJoules(),
                  c.idlePowerWatts(),
                  c.energyMethod(),
                  artifact,
                  null,
                  null,
                  null)
              : e);
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void redeliveredEventChangesNothing(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(0);
      catalog.ingest(run(job, "r1"), 5_000);
      SweepView before = catalog.sweep("sw-1").orElseThrow();

      assertEquals(0, catalog.ingest(run(job, "r1"), 9_000));

      assertEquals(before, catalog.sweep("sw-1").orElseThrow());
      assertEquals(3, catalog.batches("r1").size());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aCompletionWithoutAllItsBatchesFailsTheRunNamingTheMissingOnes(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(0);
      List<RunEvent> events = new ArrayList<>(run(job, "r1"));
      events.removeIf(e -> e instanceof BatchMeasured b && b.batchIndex() == 1);

      catalog.ingest(events, 5_000);

      SweepView.JobView view = catalog.sweep("sw-1").orElseThrow().jobs().get(0);
      assertEquals("FAILED", view.state());
      assertEquals("incomplete", view.run().failureReason());
      assertEquals(
          "completed with 2 of its 3 measured batches in the catalog; missing" + " batches [1]",
          view.run().failureMessage());
      assertEquals(List.of(), catalog.modelVersions("3dgan"), "no version of a failed run");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void eventOffsetsAreStoredWithTheirEventsAndOnlyMoveForward(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(0);
      catalog.ingest(
          run(job, "r1"),
          List.of(new EventOffset("events", 0, 6), new EventOffset("events", 3, 2)),
          5_000);

      // Redelivered from earlier offsets (Kafka's hint was behind): the offsets stay.
      catalog.ingest(run(job, "r1"), List.of(new EventOffset("events", 0, 4)), 6_000);
      catalog.ingest(
          List.of(),
          List.of(new EventOffset("events", 3, 9), new EventOffset("other", 0, 1)),
          7_000);

      assertEquals(java.util.Map.of(0, 6L, 3, 9L), catalog.eventOffsets("events"));
      assertEquals(java.util.Map.of(), catalog.eventOffsets("none"));
      assertEquals(3, catalog.batches("r1").size());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aBatchMixingStoredAndNewEventsStoresTheNewOnesOnce(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(0);
      List<RunEvent> events = run(job, "r1");
      catalog.ingest(events.subList(0, 3), 5_000);

      assertEquals(
          events.size() - 3,
          catalog.ingest(events, 6_000),
          "the run's started event, a sample and a batch were stored before");

      assertEquals(3, catalog.batches("r1").size());
      assertEquals("COMPLETED", catalog.run("r1").orElseThrow().state());
      assertEquals(0, catalog.ingest(events, 7_000));
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aBatchMeasuredTwiceUnderAnotherSeqIsStoredOnceAndIngestionGoesOn(String db)
      throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(0);
      List<RunEvent> events = run(job, "r1");
      var again =
          new BatchMeasured(job.jobId(), "r1", 40, 2_300, 0, 500_000_000L, 99, 0.01, 0.7, 0.6);
      var andAgain =
          new BatchMeasured(job.jobId(), "r1", 41, 2_400, 0, 500_000_000L, 98, 0.01, 0.7, 0.6);

      catalog.ingest(List.of(events.get(0), events.get(2), again), 5_000);
      catalog.ingest(List.of(andAgain), 6_000);

      assertEquals(
          List.of(2.0),
          catalog.batches("r1").stream().map(b -> b.energyJoules()).toList(),
          "the first event to measure batch 0 stands");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void lateFailureOfAnotherRunDoesNotTakeACompletedJobBack(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(0);
      catalog.ingest(run(job, "r1"), 5_000);

      catalog.ingest(
          List.of(
              new RunFailed(
                  job.jobId(), "r0", 0, 1_900, FailureReason.OUT_OF_MEMORY, "OOM when allocating")),
          6_000);

      SweepView.JobView view = catalog.sweep("sw-1").orElseThrow().jobs().get(0);
      assertEquals("COMPLETED", view.state());
      assertEquals("r1", view.run().runId(), "the completing run stays the job's result");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void failedRunRecordsItsReason(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      JobSpec job = store(catalog, "sw-1").get(1);

      catalog.ingest(
          List.of(
              new RunFailed(
                  job.jobId(),
                  "r9",
                  0,
                  2_000,
                  FailureReason.OUT_OF_MEMORY,
                  "OOM when allocating tensor")),
          3_000);

      SweepView view = catalog.sweep("sw-1").orElseThrow();
      SweepView.JobView failed = view.jobs().get(1);
      assertEquals("FAILED", failed.state());
      assertEquals("out-of-memory", failed.run().failureReason());
      assertEquals("OOM when allocating tensor", failed.run().failureMessage());
      assertNull(failed.run().energyPerBatchJoules());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void eventOfAnUnknownJobIsSkipped(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      store(catalog, "sw-1");
      JobSpec stranger = SPEC.expand("sw-other").get(0);

      assertEquals(0, catalog.ingest(run(stranger, "rx"), 5_000));
      assertTrue(catalog.batches("rx").isEmpty());
    }
  }

  /** Completes a run of each job with per-batch energies e, 2e, 3e J at 0.5 s per batch. */
  private static void complete(
      Catalog catalog, JobSpec job, String runId, double e, long spanNanos) {
    var events = new ArrayList<RunEvent>();
    var cpu = new DeviceInfo(0, "cpu", "cpu-0", "test CPU", "amd64", 20, "");
    events.add(
        new RunStarted(
            job.jobId(),
            runId,
            0,
            2_000,
            "w1",
            "host",
            Precision.FP32,
            Precision.FP32,
            "",
            List.of(cpu),
            EnergyMethod.NVML_ENERGY_COUNTER,
            1.0,
            100,
            10,
            1_000_000,
            "test",
            null,
            null,
            null,
            null));
    for (int i = 0; i < 3; i++) {
      events.add(
          new BatchMeasured(
              job.jobId(), runId, 1 + i, 2_200 + i, i, spanNanos / 3, e * (i + 1), 0.01, 0.7, 0.6));
    }
    events.add(
        new RunCompleted(
            job.jobId(),
            runId,
            4,
            3_000,
            3,
            spanNanos,
            6 * e,
            1.0,
            EnergyMethod.NVML_ENERGY_COUNTER,
            null,
            null,
            null,
            null));
    catalog.ingest(events, 5_000);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void runsAreFilteredBestAndParetoFrontFound(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      List<JobSpec> jobs = store(catalog, "sw-1");
      JobSpec b4 = jobs.get(0);
      JobSpec b8 = jobs.get(1);
      // b4: less energy per training, slower; b8: more energy, faster.
      complete(catalog, b4, "r-b4", 1.0, 3_000_000_000L);
      complete(catalog, b8, "r-b8", 3.0, 600_000_000L);

      assertEquals(
          List.of("r-b8"),
          catalog.runs(RunFilter.ALL.withModel("3dgan").withState("COMPLETED")).stream()
              .filter(r -> r.batchSize() == 8)
              .map(RunRow::runId)
              .toList());
      assertEquals(
          2, catalog.runs(new RunFilter("sw-1", null, "cpu", "fp32", null, 1, null)).size());
      assertTrue(catalog.runs(new RunFilter(null, null, "a100", null, null, null, null)).isEmpty());
      // Full training: b4 = 2 J x 250 x 2 = 1000 J in 1 s x 500 = 500 s;
      // b8 = 6 J x 125 x 2 = 1500 J in 0.2 s x 250 = 50 s.
      assertEquals(
          "r-b4", catalog.best(RunFilter.ALL.withModel("3dgan"), true).orElseThrow().runId());
      assertEquals(
          "r-b8", catalog.best(RunFilter.ALL.withModel("3dgan"), false).orElseThrow().runId());
      assertEquals(
          List.of("r-b4", "r-b8"),
          catalog.pareto(RunFilter.ALL.withModel("3dgan")).stream().map(RunRow::runId).toList());
      RunRow r = catalog.run("r-b4").orElseThrow();
      assertEquals(1000.0, r.fullTrainingEnergyJoules(), 1e-9);
      assertEquals(
          1000.0 / 3.6e6 * 475 / 1000,
          r.fullTrainingCo2eKg(),
          1e-12,
          "475 g/kWh by default, PUE 1");
      assertNull(r.fullTrainingCost(), "no price configured");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRunIsAbandonedNeitherEarlyNorLaterThanItsLastEventTimeIsStale(String db) throws Exception {
    long stale = RunActivity.TOUCH_EVERY_MS;
    try (Catalog catalog = open(db)) {
      List<JobSpec> jobs = store(catalog, "sw-1");
      JobSpec job = jobs.get(0);
      catalog.markPublished(jobs.stream().map(JobSpec::jobId).toList(), 1_500);
      List<RunEvent> events = run(job, "r1");
      catalog.ingest(events.subList(0, 1), 5_000);
      catalog.ingest(events.subList(1, 2), 5_000 + stale - 1);
      assertTrue(
          catalog.abandonSilentRuns(5_000 + stale - 1, 50_000, Set.of()).isEmpty(),
          "heard from at " + (5_000 + stale - 1) + ", though only 5000 was written");
      catalog.ingest(events.subList(2, 3), 5_000 + stale);

      assertTrue(
          catalog.abandonSilentRuns(5_000 + stale, 50_000, Set.of()).isEmpty(),
          "heard from at " + (5_000 + stale) + ", which was written");
      assertEquals(
          List.of(job.jobId()), catalog.abandonSilentRuns(5_000 + 2 * stale + 1, 50_000, Set.of()));
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void silentRunIsAbandonedAndItsJobQueuedAgain(String db) throws Exception {
    try (Catalog catalog = open(db)) {
      List<JobSpec> jobs = store(catalog, "sw-1");
      JobSpec job = jobs.get(0);
      catalog.markPublished(jobs.stream().map(JobSpec::jobId).toList(), 1_500);
      catalog.ingest(run(job, "r1").subList(0, 2), 5_000);

      long stale = RunActivity.TOUCH_EVERY_MS;
      assertTrue(
          catalog.abandonSilentRuns(4_000 + stale, 9_000, Set.of()).isEmpty(),
          "heard from at 5000");
      assertEquals(List.of(job.jobId()), catalog.abandonSilentRuns(6_000 + stale, 9_000, Set.of()));

      SweepView.JobView view = catalog.sweep("sw-1").orElseThrow().jobs().get(0);
      assertEquals("QUEUED", view.state());
      assertEquals("ABANDONED", catalog.run("r1").orElseThrow().state());
      assertEquals(
          List.of(job.jobId()),
          catalog.unpublishedJobs(10_000).stream().map(JobSpec::jobId).toList(),
          "the republisher sends it out again");
    }
  }
}
