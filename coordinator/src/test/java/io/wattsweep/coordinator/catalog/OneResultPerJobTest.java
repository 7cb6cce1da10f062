package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunStarted;
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

/**
 * A job run twice (a redelivery, a run thought lost) has one result: its first completed run; the
 * other is kept whole as SUPERSEDED and counted nowhere. On H2 and on PostgreSQL.
 */
class OneResultPerJobTest {
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

  @AfterAll
  static void dropSchemas() throws Exception {
    TestCatalogs.dropSchemas();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  /**
   * A complete run of 3 batches whose energy and time are {@code scale} times those of {@link
   * CatalogTest#run}; its events are stamped from {@code atMs} on.
   */
  private static List<RunEvent> run(JobSpec job, String runId, double scale, long atMs) {
    var events = new ArrayList<RunEvent>();
    var cpu = new DeviceInfo(0, "cpu", "cpu-0", "test CPU", "amd64", 20, "");
    events.add(
        new RunStarted(
            job.jobId(),
            runId,
            0,
            atMs,
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
    events.add(new PowerSample(job.jobId(), runId, 1, atMs + 100, 15.0, EnergyMethod.TDP_ESTIMATE));
    double[] joules = {2, 3, 4};
    for (int i = 0; i < 3; i++) {
      events.add(
          new BatchMeasured(
              job.jobId(),
              runId,
              2 + i,
              atMs + 200 + i,
              i,
              (long) (500_000_000L * scale),
              joules[i] * scale,
              0.01,
              0.7,
              0.6));
    }
    events.add(
        new RunCompleted(
            job.jobId(),
            runId,
            5,
            atMs + 1_000,
            3,
            (long) (1_500_000_000L * scale),
            9.0 * scale,
            1.0,
            EnergyMethod.TDP_ESTIMATE,
            null,
            null,
            null,
            null));
    return events;
  }

  private static List<String> ids(List<RunRow> rows) {
    return rows.stream().map(RunRow::runId).toList();
  }

  private static String state(Catalog catalog, String runId) {
    return catalog.run(runId).orElseThrow().state();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aSecondCompletionOfAJobIsKeptSupersededAndCountedOnce(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      List<JobSpec> jobs = SPEC.expand("sw-1");
      catalog.insertSweep("sw-1", SPEC, "{}", jobs, 1_000, "alice");
      catalog.ingest(run(jobs.get(0), "r1", 1.0, 2_000), 5_000);
      catalog.ingest(run(jobs.get(1), "r3", 2.0, 2_000), 5_000);
      // The redelivered job's run is cheaper and faster: counted, it would be best and alone on
      // the Pareto front.
      catalog.ingest(run(jobs.get(0), "r2", 0.1, 3_000), 6_000);

      assertEquals("COMPLETED", state(catalog, "r1"));
      assertEquals("SUPERSEDED", state(catalog, "r2"));
      assertEquals(3, catalog.batches("r2").size(), "every batch of it is kept");
      assertEquals(0.3, catalog.run("r2").orElseThrow().energyPerBatchJoules(), 1e-9);
      assertEquals(List.of("r1", "r3"), ids(catalog.runs(RunFilter.ALL)));
      assertEquals(List.of("r2"), ids(catalog.runs(RunFilter.ALL.withState("SUPERSEDED"))));
      assertEquals("r1", catalog.best(RunFilter.ALL, true).orElseThrow().runId());
      assertEquals("r1", catalog.best(RunFilter.ALL, false).orElseThrow().runId());
      assertEquals(List.of("r1"), ids(catalog.pareto(RunFilter.ALL)));
      SweepView sweep = catalog.sweep("sw-1").orElseThrow();
      assertEquals(2, sweep.jobCounts().get("COMPLETED"));
      assertTrue(!sweep.jobCounts().containsKey("SUPERSEDED"), "a state of runs, not of jobs");
      assertEquals("r1", sweep.jobs().get(0).run().runId());
      assertEquals(
          List.of("r3", "r1"),
          catalog.modelVersions("3dgan").stream().map(ModelVersion::runId).toList(),
          "one version per job");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRunJudgedLostThatIsHeardFromAgainRunsAndGivesItsJobItsResult(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = SPEC.expand("sw-1").get(0);
      catalog.insertSweep("sw-1", SPEC, "{}", List.of(job), 1_000, "alice");
      catalog.markPublished(List.of(job.jobId()), 1_100);
      List<RunEvent> r1 = run(job, "r1", 1.0, 2_000);
      catalog.ingest(r1.subList(0, 2), 5_000);
      assertEquals(List.of(job.jobId()), catalog.abandonSilentRuns(100_000, 100_000, Set.of()));
      assertEquals("ABANDONED", state(catalog, "r1"));

      catalog.ingest(r1.subList(2, 3), 110_000);

      assertEquals("RUNNING", state(catalog, "r1"));
      assertEquals("RUNNING", catalog.sweep("sw-1").orElseThrow().jobs().get(0).state());
      catalog.ingest(r1.subList(3, r1.size()), 111_000);
      assertEquals("COMPLETED", state(catalog, "r1"));
      // The job was queued again when r1 was judged lost: that second run is the duplicate.
      catalog.ingest(run(job, "r2", 1.0, 120_000), 121_000);
      assertEquals("SUPERSEDED", state(catalog, "r2"));
      SweepView.JobView view = catalog.sweep("sw-1").orElseThrow().jobs().get(0);
      assertEquals("COMPLETED", view.state());
      assertEquals("r1", view.run().runId());
      assertEquals(List.of("r1"), ids(catalog.runs(RunFilter.ALL.withState("COMPLETED"))));
      assertEquals(1, catalog.modelVersions("3dgan").size());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRunJudgedLostThatCompletesAfterItsJobsResultEndsSuperseded(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = SPEC.expand("sw-1").get(0);
      catalog.insertSweep("sw-1", SPEC, "{}", List.of(job), 1_000, "alice");
      catalog.markPublished(List.of(job.jobId()), 1_100);
      List<RunEvent> r1 = run(job, "r1", 0.5, 2_000);
      catalog.ingest(r1.subList(0, 2), 5_000);
      catalog.abandonSilentRuns(100_000, 100_000, Set.of());
      catalog.ingest(run(job, "r2", 1.0, 101_000), 102_000);
      assertEquals("COMPLETED", state(catalog, "r2"), "its job had no result: it counts");

      catalog.ingest(r1.subList(2, r1.size()), 110_000);

      assertEquals("SUPERSEDED", state(catalog, "r1"));
      assertEquals(3, catalog.batches("r1").size());
      assertEquals(List.of("r2"), ids(catalog.runs(RunFilter.ALL.withState("COMPLETED"))));
      assertEquals("r2", catalog.best(RunFilter.ALL, true).orElseThrow().runId());
      assertEquals("r2", catalog.sweep("sw-1").orElseThrow().jobs().get(0).run().runId());
    }
  }
}
