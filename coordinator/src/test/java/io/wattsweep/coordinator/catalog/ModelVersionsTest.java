package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sweep metadata on model versions and run selections, and aliases, on H2 and PostgreSQL. */
class ModelVersionsTest {
  @AfterAll
  static void dropSchemas() throws Exception {
    TestCatalogs.dropSchemas();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  /** Two completed runs of a sweep with {@code metadata}: versions 1 and 2 of the 3dgan. */
  private static void twoVersions(Catalog catalog, Map<String, String> metadata) {
    var spec =
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
            metadata,
            null,
            null,
            null);
    List<JobSpec> jobs = spec.expand("sw-1");
    catalog.insertSweep("sw-1", spec, "{}", jobs, 1_000, "alice");
    catalog.ingest(CatalogTest.run(jobs.get(0), "r1"), 5_000);
    catalog.ingest(CatalogTest.run(jobs.get(1), "r2"), 6_000);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void eachVersionKeepsItsSweepsMetadataInOrder(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      var metadata = new LinkedHashMap<String, String>();
      metadata.put("project", "calo-sim");
      metadata.put("dataset", "v2");
      metadata.put("ticket", "ML-12");
      twoVersions(catalog, metadata);

      for (ModelVersion v : catalog.modelVersions("3dgan")) {
        assertEquals(metadata, v.metadata(), "version " + v.version());
        assertEquals(List.of("project", "dataset", "ticket"), List.copyOf(v.metadata().keySet()));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void runsTheBestAndTheParetoFrontAreSelectedByTheirSweepsMetadata(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      twoVersions(catalog, Map.of("project", "calo-sim", "dataset", "v2"));
      var other =
          new SweepSpec(
              "u",
              "3dgan",
              0.25,
              List.of("cpu"),
              List.of(Precision.FP32),
              List.of(4),
              List.of(1),
              1,
              3,
              new FullTraining(1000, 2),
              Map.of("project", "other"),
              null,
              null,
              null);
      List<JobSpec> jobs = other.expand("sw-2");
      catalog.insertSweep("sw-2", other, "{}", jobs, 1_000, "bob");
      catalog.ingest(CatalogTest.run(jobs.get(0), "r3"), 7_000);

      RunFilter calo =
          new RunFilter(null, "3dgan", null, null, null, null, null, Map.of("project", "calo-sim"));
      assertEquals(List.of("r1", "r2"), catalog.runs(calo).stream().map(RunRow::runId).toList());
      assertEquals(
          List.of("r3"),
          catalog
              .runs(
                  new RunFilter(
                      null, null, null, null, null, null, null, Map.of("project", "other")))
              .stream()
              .map(RunRow::runId)
              .toList());
      assertEquals(
          List.of(),
          catalog.runs(
              new RunFilter(
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  Map.of("project", "calo-sim", "dataset", "v1"))),
          "every pair must match");
      assertTrue(List.of("r1", "r2").contains(catalog.best(calo, true).orElseThrow().runId()));
      assertTrue(catalog.pareto(calo).stream().noneMatch(r -> r.runId().equals("r3")));
      assertEquals(3, catalog.runs(RunFilter.ALL).size());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aVersionWithoutMetadataHasAnEmptyOne(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      twoVersions(catalog, Map.of());

      assertEquals(Map.of(), catalog.modelVersion("3dgan", "1").orElseThrow().metadata());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void anAliasNamesOneVersionMovesWhenSetAgainAndGoesWhenDeleted(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      twoVersions(catalog, Map.of());

      assertTrue(catalog.setModelAlias("3dgan", "production", 2, 7_000, "bob"));
      assertEquals(2, catalog.modelVersion("3dgan", "production").orElseThrow().version());
      assertEquals(
          List.of("production"), catalog.modelVersion("3dgan", "2").orElseThrow().aliases());

      assertTrue(catalog.setModelAlias("3dgan", "production", 1, 8_000, "bob"));
      assertTrue(catalog.setModelAlias("3dgan", "best-cpu", 1, 8_000, "bob"));
      assertEquals(
          List.of(List.of(), List.of("best-cpu", "production")),
          catalog.modelVersions("3dgan").stream().map(ModelVersion::aliases).toList(),
          "newest first; an alias names one version");

      assertFalse(catalog.setModelAlias("3dgan", "production", 9, 9_000, "bob"), "no version 9");
      assertEquals(
          1, catalog.modelVersion("3dgan", "production").orElseThrow().version(), "unchanged");

      assertTrue(catalog.deleteModelAlias("3dgan", "production"));
      assertFalse(catalog.deleteModelAlias("3dgan", "production"));
      assertEquals(Optional.empty(), catalog.modelVersion("3dgan", "production"));
      assertEquals(
          Optional.empty(),
          catalog.modelVersion("vae-progan", "best-cpu"),
          "aliases belong to one model");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aBadAliasIsRefusedNamingIt(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      twoVersions(catalog, Map.of());

      for (String bad : List.of("42", "Prod", "-x", "a b", "x".repeat(65))) {
        var e =
            assertThrows(
                IllegalArgumentException.class,
                () -> catalog.setModelAlias("3dgan", bad, 1, 7_000, null));
        assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
      }
      assertEquals(List.of(), catalog.modelVersion("3dgan", "1").orElseThrow().aliases());
    }
  }
}
