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

  @ParameterizedTest
  @MethodSource("databases")
  void anAbortedRunQueuesItsJobAgainWithoutRepublishingIt(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      var spec = new SweepSpec("t", "3dgan", 0.25, List.of("cpu"), List.of(Precision.FP32),
          List.of(4), List.of(1), 1, 3, new FullTraining(1000, 2));
      JobSpec job = spec.expand("sw-1").get(0);
      catalog.insertSweep("sw-1", spec, "{}", List.of(job), 1_000, "alice");
      catalog.markPublished(List.of(job.jobId()), 1_100);
      List<RunEvent> first = CatalogTest.run(job, "run-1");
      catalog.ingest(first.subList(0, 3), 2_000);

      catalog.ingest(List.of(new RunFailed(job.jobId(), "run-1", 3, 2_500,
          FailureReason.ABORTED, "the worker was told to stop")), 2_600);

      SweepView.JobView queued = catalog.sweep("sw-1").orElseThrow().jobs().get(0);
      assertEquals("QUEUED", queued.state());
      RunRow aborted = catalog.run("run-1").orElseThrow();
      assertEquals("ABANDONED", aborted.state());
      assertEquals("aborted", aborted.failureReason());
      assertEquals(List.of(), catalog.unpublishedJobs(10_000), "its record is still in Kafka");

      catalog.ingest(CatalogTest.run(job, "run-2"), 3_000);

      assertEquals("COMPLETED", catalog.sweep("sw-1").orElseThrow().jobs().get(0).state());
    }
  }
}
