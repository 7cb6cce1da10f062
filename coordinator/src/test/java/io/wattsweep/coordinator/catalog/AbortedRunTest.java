package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A run its worker gave up when told to stop, on H2 and on PostgreSQL. */
class AbortedRunTest {
  @AfterAll
  static void dropSchemas() throws Exception {
    TestCatalogs.dropSchemas();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  /** A sweep of one job, stored and published. */
  private static JobSpec publishedJob(Catalog catalog, String sweepId) {
    var spec =
        new SweepSpec(
            "t",
            "3dgan",
            0.25,
            List.of("cpu"),
            List.of(Precision.FP32),
            List.of(4),
            List.of(1),
            1,
            3,
            new FullTraining(1000, 2),
            Map.of(),
            null,
            null,
            null);
    JobSpec job = spec.expand(sweepId).get(0);
    catalog.insertSweep(sweepId, spec, "{}", List.of(job), 1_000, "alice");
    catalog.markPublished(List.of(job.jobId()), 1_100);
    return job;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aJobHandedBackBeforeItStartedGoesOutAgainAtOnce(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = publishedJob(catalog, "sw-1");

      // A worker stopped while the job waited for its GPUs: the run's one event is its end.
      catalog.ingest(
          List.of(
              new RunFailed(
                  job.jobId(),
                  "run-0",
                  0,
                  2_500,
                  FailureReason.ABORTED,
                  "the worker was told to stop before the job had GPUs")),
          2_600);

      assertEquals("QUEUED", catalog.sweep("sw-1").orElseThrow().jobs().get(0).state());
      assertEquals("ABANDONED", catalog.run("run-0").orElseThrow().state());
      assertEquals(
          List.of(job.jobId()), catalog.unpublishedJobs(0).stream().map(JobSpec::jobId).toList());

      catalog.ingest(CatalogTest.run(job, "run-1"), 3_000);

      assertEquals("COMPLETED", catalog.sweep("sw-1").orElseThrow().jobs().get(0).state());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void anAbortedRunSendsItsJobOutAgainAtOnce(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = publishedJob(catalog, "sw-1");
      List<RunEvent> first = CatalogTest.run(job, "run-1");
      catalog.ingest(first.subList(0, 3), 2_000);

      catalog.ingest(
          List.of(
              new RunFailed(
                  job.jobId(),
                  "run-1",
                  3,
                  2_500,
                  FailureReason.ABORTED,
                  "the worker was told to stop")),
          2_600);

      SweepView.JobView queued = catalog.sweep("sw-1").orElseThrow().jobs().get(0);
      assertEquals("QUEUED", queued.state());
      RunRow aborted = catalog.run("run-1").orElseThrow();
      assertEquals("ABANDONED", aborted.state());
      assertEquals("aborted", aborted.failureReason());
      // The worker acknowledged the record when it took the job: the catalog sends it again,
      // at once (the cut-off of 0 would hold back a job never published).
      assertEquals(
          List.of(job.jobId()), catalog.unpublishedJobs(0).stream().map(JobSpec::jobId).toList());
      assertEquals(1, catalog.sweep("sw-1").orElseThrow().jobs().get(0).attempts());

      catalog.ingest(CatalogTest.run(job, "run-2"), 3_000);

      assertEquals("COMPLETED", catalog.sweep("sw-1").orElseThrow().jobs().get(0).state());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aJobThatComesBackAsOftenAsTheLimitAllowsIsGivenUp(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db).maxAttempts(2)) {
      JobSpec job = publishedJob(catalog, "sw-2");
      for (int attempt = 1; attempt <= 2; attempt++) {
        String runId = "run-" + attempt;
        catalog.ingest(CatalogTest.run(job, runId).subList(0, 3), 2_000 * attempt);
        catalog.ingest(
            List.of(
                new RunFailed(
                    job.jobId(),
                    runId,
                    3,
                    2_000 * attempt + 500,
                    FailureReason.ABORTED,
                    "the worker was told to stop")),
            2_000 * attempt + 600);
        catalog.markPublished(List.of(job.jobId()), 2_000 * attempt + 700);
      }

      SweepView.JobView given = catalog.sweep("sw-2").orElseThrow().jobs().get(0);
      assertEquals("FAILED", given.state());
      assertEquals(2, given.attempts());
      assertEquals(
          "gave up after 2 attempts; the last: run run-2 was aborted: the worker was"
              + " told to stop",
          given.message());
      assertEquals(List.of(), catalog.unpublishedJobs(100_000), "a given-up job went out again");
    }
  }
}
