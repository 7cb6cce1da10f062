package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.PowerSample;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Catalogs written by older versions keep their meaning when migrated: measurements moving to
 * integer run keys (V2), a job's duplicate completed runs becoming superseded (V10), a job's batch
 * staying global (V14).
 */
class MigrationTest {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final List<String> SCHEMAS = new ArrayList<>();

  @AfterAll
  static void dropSchemas() throws Exception {
    try (var c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      for (String schema : SCHEMAS) {
        c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void batchesAndSamplesOfAV2CatalogSurviveTheMoveToRunKeys(String db) throws Exception {
    String url = emptyDatabase(db);
    String user = user(db);
    Flyway.configure()
        .dataSource(url, user, "")
        .locations("classpath:db/migration")
        .target("2")
        .load()
        .migrate();
    try (var c = DriverManager.getConnection(url, user, "")) {
      var s = c.createStatement();
      s.execute(
          "INSERT INTO sweeps (sweep_id, name, model, spec_json, submitted_at_ms)"
              + " VALUES ('sw-1', 't', '3dgan', '{}', 1)");
      s.execute(
          "INSERT INTO jobs (job_id, sweep_id, ordinal, model, scale, gpu_class,"
              + " precision_name, batch_size, gpus, warmup_batches, measured_batches, dataset_size,"
              + " epochs, state, updated_at_ms) VALUES ('sw-1-a', 'sw-1', 0, '3dgan', 1, 'cpu',"
              + " 'fp32', 4, 1, 0, 2, 100, 1, 'RUNNING', 1)");
      for (String run : List.of("r1", "r2")) {
        s.execute(
            "INSERT INTO runs (run_id, job_id, state) VALUES ('"
                + run
                + "', 'sw-1-a',"
                + " 'RUNNING')");
      }
      s.execute(
          "INSERT INTO batches (run_id, batch_index, at_ms, duration_ns, energy_j,"
              + " resolution_j) VALUES ('r2', 0, 5, 100, 2.5, 0.01), ('r2', 1, 6, 100, 3.5, 0.01)");
      s.execute(
          "INSERT INTO power_samples (run_id, seq, at_ms, power_w, method)"
              + " VALUES ('r2', 3, 7, 42.0, 'rapl')");
    }

    try (Catalog catalog = Catalog.open(url, user, "")) {
      assertEquals(
          List.of(2.5, 3.5), catalog.batches("r2").stream().map(BatchView::energyJoules).toList());
      assertEquals(0, catalog.batches("r1").size());
      // The moved sample is found by its key: a redelivery of it changes nothing.
      assertEquals(
          0,
          catalog.ingest(
              List.of(new PowerSample("sw-1-a", "r2", 3, 7, 42.0, EnergyMethod.RAPL)), 10));
      assertEquals(
          1,
          catalog.ingest(
              List.of(new PowerSample("sw-1-a", "r2", 4, 8, 43.0, EnergyMethod.RAPL)), 10));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void ofAJobsTwoCompletedRunsInAV9CatalogOnlyItsResultStaysCompleted(String db) throws Exception {
    String url = emptyDatabase(db);
    String user = user(db);
    Flyway.configure()
        .dataSource(url, user, "")
        .locations("classpath:db/migration")
        .target("9")
        .load()
        .migrate();
    try (var c = DriverManager.getConnection(url, user, "")) {
      var s = c.createStatement();
      s.execute(
          "INSERT INTO sweeps (sweep_id, name, model, spec_json, submitted_at_ms)"
              + " VALUES ('sw-1', 't', '3dgan', '{}', 1)");
      s.execute(
          "INSERT INTO jobs (job_id, sweep_id, ordinal, model, scale, gpu_class,"
              + " precision_name, batch_size, gpus, warmup_batches, measured_batches, dataset_size,"
              + " epochs, state, updated_at_ms, result_run_id) VALUES ('sw-1-a', 'sw-1', 0, '3dgan',"
              + " 1, 'cpu', 'fp32', 4, 1, 0, 2, 100, 1, 'COMPLETED', 1, 'r2')");
      for (String run : List.of("r1", "r2", "r3")) {
        s.execute(
            "INSERT INTO runs (run_id, job_id, state) VALUES ('"
                + run
                + "', 'sw-1-a', '"
                + (run.equals("r1") ? "FAILED" : "COMPLETED")
                + "')");
      }
    }

    try (Catalog catalog = Catalog.open(url, user, "")) {
      assertEquals(
          List.of("FAILED", "COMPLETED", "SUPERSEDED"),
          Stream.of("r1", "r2", "r3").map(run -> catalog.run(run).orElseThrow().state()).toList());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aJobOfAV13CatalogKeepsItsGlobalBatch(String db) throws Exception {
    String url = emptyDatabase(db);
    String user = user(db);
    Flyway.configure()
        .dataSource(url, user, "")
        .locations("classpath:db/migration")
        .target("13")
        .load()
        .migrate();
    try (var c = DriverManager.getConnection(url, user, "")) {
      var s = c.createStatement();
      s.execute(
          "INSERT INTO sweeps (sweep_id, name, model, spec_json, submitted_at_ms)"
              + " VALUES ('sw-1', 't', '3dgan', '{}', 1)");
      s.execute(
          "INSERT INTO jobs (job_id, sweep_id, ordinal, model, scale, gpu_class,"
              + " precision_name, batch_size, gpus, warmup_batches, measured_batches, dataset_size,"
              + " epochs, state, updated_at_ms, max_warmup_batches, max_measured_batches,"
              + " target_ci_share) VALUES ('sw-1-a', 'sw-1', 0, '3dgan', 1, 'cpu', 'fp32', 8, 2, 0,"
              + " 2, 100, 1, 'QUEUED', 1, 0, 2, 0.02)");
    }

    try (Catalog catalog = Catalog.open(url, user, "")) {
      assertEquals(
          "8 global, 4 per GPU", catalog.sweep("sw-1").orElseThrow().jobs().get(0).batch());
      assertEquals(8, catalog.unpublishedJobs(2).get(0).globalBatchSize());
    }
  }

  /** A new H2 memory database, or a new schema of the PostgreSQL server; returns its URL. */
  private static String emptyDatabase(String db) throws Exception {
    String name = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    if (db.equals("h2")) {
      return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
    }
    try (var c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      c.createStatement().execute("CREATE SCHEMA " + name);
    }
    SCHEMAS.add(name);
    return PG_URL + "?currentSchema=" + name;
  }

  private static String user(String db) {
    return db.equals("h2") ? "sa" : "postgres";
  }
}
