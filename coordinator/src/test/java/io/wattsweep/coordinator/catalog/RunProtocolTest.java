package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.energy.IdleBaseline;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.StoppingRules;
import io.wattsweep.common.spec.SweepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run's baselines, warm-up and interval as the catalog keeps them, and a job's stopping rules as
 * it republishes them, on H2 and on PostgreSQL.
 */
class RunProtocolTest {
  private static final StoppingRules RULES = new StoppingRules(30, 200, 0.01);
  private static final SweepSpec SPEC =
      new SweepSpec(
          "t",
          "3dgan",
          0.25,
          List.of("cpu"),
          List.of(Precision.FP32),
          List.of(4),
          List.of(1),
          2,
          3,
          new FullTraining(1000, 2),
          Map.of(),
          RULES,
          null,
          null);

  @AfterAll
  static void dropSchemas() throws Exception {
    TestCatalogs.dropSchemas();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  private static JobSpec store(Catalog catalog) {
    List<JobSpec> jobs = SPEC.expand("sw-1");
    catalog.insertSweep("sw-1", SPEC, "{}", jobs, 1_000, "alice");
    return jobs.get(0);
  }

  /** Started with a bare idle of 1 W and a ready idle of 2 W; 4 batches of 3 J, 0.5 s each. */
  private static List<RunEvent> run(JobSpec job, RunCompleted completed) {
    var events = new ArrayList<RunEvent>();
    var cpu = new DeviceInfo(0, "cpu", "cpu-0", "test CPU", "amd64", 20, "");
    events.add(
        new RunStarted(
            job.jobId(),
            "r1",
            0,
            2_000,
            "w1",
            "host",
            Precision.FP32,
            Precision.FP32,
            "",
            List.of(cpu),
            EnergyMethod.RAPL,
            1.0,
            100,
            10,
            1_000_000,
            "test",
            null,
            null,
            null,
            2.0));
    for (int i = 0; i < 4; i++) {
      events.add(
          new BatchMeasured(
              job.jobId(),
              "r1",
              1 + i,
              2_200 + i,
              i,
              500_000_000L,
              i % 2 == 0 ? 2.9 : 3.1,
              0.01,
              0.7,
              0.6));
    }
    events.add(completed);
    return events;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aJobKeepsItsStoppingRulesWhenRepublished(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);

      assertEquals(List.of(job), catalog.unpublishedJobs(2_000));
      assertEquals(RULES, catalog.unpublishedJobs(2_000).get(0).stopping());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRunShowsItsBaselinesWarmUpAndTheIntervalItReached(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);

      catalog.ingest(
          run(
              job,
              new RunCompleted(
                  job.jobId(),
                  "r1",
                  5,
                  3_000,
                  4,
                  2_000_000_000L,
                  12.0,
                  2.0,
                  EnergyMethod.RAPL,
                  null,
                  7,
                  true,
                  IdleBaseline.JOB_READY)),
          5_000);

      RunRow row = catalog.run("r1").orElseThrow();
      SweepView.RunView view = catalog.sweep("sw-1").orElseThrow().jobs().get(0).run();
      double ci95 = 3.182 * Math.sqrt(4 * 0.01 / 3) / 2;
      assertAll(
          () -> assertEquals(4, row.measuredBatches()),
          () -> assertEquals(1.0, row.idlePowerWatts()),
          () -> assertEquals(2.0, row.protocol().readyIdlePowerWatts()),
          () -> assertEquals("job-ready", row.protocol().netIdleBaseline()),
          () -> assertEquals(3.0 - 2.0 * 0.5, row.netEnergyPerBatchJoules(), 1e-9),
          () -> assertEquals(7, row.protocol().warmupBatches()),
          () -> assertEquals(true, row.protocol().powerSettled()),
          () -> assertEquals(ci95 / 3.0, row.protocol().ci95Share(), 1e-6),
          () -> assertEquals(row.protocol(), view.protocol()));
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRunFromAnOlderWorkerSaysItsNetSubtractedTheNoJobIdle(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);

      catalog.ingest(
          run(
              job,
              new RunCompleted(
                  job.jobId(),
                  "r1",
                  5,
                  3_000,
                  4,
                  2_000_000_000L,
                  12.0,
                  1.0,
                  EnergyMethod.RAPL,
                  null,
                  null,
                  null,
                  null)),
          5_000);

      RunProtocol p = catalog.run("r1").orElseThrow().protocol();
      assertAll(
          () -> assertEquals("no-job", p.netIdleBaseline()),
          () -> assertEquals(null, p.warmupBatches()),
          () -> assertEquals(null, p.powerSettled()));
    }
  }
}
