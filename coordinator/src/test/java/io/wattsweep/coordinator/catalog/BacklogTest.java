package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** The backlog autoscalers read, on H2 and on PostgreSQL. */
class BacklogTest {
  @AfterAll
  static void dropSchemas() throws Exception {
    TestCatalogs.dropSchemas();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void queuedAndRunningJobsAreCountedPerGpuClassAndGpuCount(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      assertEquals(List.of(), catalog.backlog());
      var spec =
          new SweepSpec(
              "t",
              "3dgan",
              0.25,
              List.of("a100", "cpu"),
              List.of(Precision.FP32),
              List.of(4, 8),
              List.of(1, 2),
              1,
              3,
              new FullTraining(1000, 2),
              Map.of(),
              null,
              null,
              null);
      List<JobSpec> jobs = spec.expand("sw-1");
      catalog.insertSweep("sw-1", spec, "{}", jobs, 1_000, "alice");
      JobSpec running =
          jobs.stream()
              .filter(j -> j.gpuClass().equals("a100") && j.gpus() == 2)
              .findFirst()
              .orElseThrow();
      catalog.ingest(CatalogTest.run(running, "run-1").subList(0, 1), 2_000);

      assertEquals(
          List.of(
              new Backlog("a100", 1, 2, 0),
              new Backlog("a100", 2, 1, 1),
              new Backlog("cpu", 1, 2, 0),
              new Backlog("cpu", 2, 2, 0)),
          catalog.backlog());
      assertEquals(4, catalog.backlog().get(3).queuedGpus());
    }
  }
}
