package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog of sweeps, jobs, runs and their measurements, over JDBC (H2 embedded by default,
 * PostgreSQL for clusters; the same Flyway migrations for both). Blocking: callers run it off the
 * event loop. One connection, used by one thread at a time.
 */
public final class Catalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

  private final Connection connection;
  private final EventApplier applier;

  private Catalog(Connection connection) {
    this.connection = connection;
    this.applier = new EventApplier(connection);
  }

  /** Migrates the schema to the latest version, then opens the catalog. */
  public static Catalog open(String jdbcUrl, String user, String password) {
    Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    try {
      Connection c = DriverManager.getConnection(jdbcUrl, user, password);
      c.setAutoCommit(false);
      LOG.info("Catalog open at {}", redact(jdbcUrl));
      return new Catalog(c);
    } catch (SQLException e) {
      throw new CatalogException("cannot open the catalog at " + redact(jdbcUrl), e);
    }
  }

  /** Stores a sweep and its jobs as QUEUED, all or nothing. */
  public synchronized void insertSweep(
      String sweepId, SweepSpec spec, String specJson, List<JobSpec> jobs, long nowMs) {
    inTransaction(
        () -> {
          try (var ps =
              connection.prepareStatement(
                  "INSERT INTO sweeps (sweep_id, name, model, spec_json, submitted_at_ms)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, sweepId);
            ps.setString(2, spec.name());
            ps.setString(3, spec.model());
            ps.setString(4, specJson);
            ps.setLong(5, nowMs);
            ps.executeUpdate();
          }
          try (var ps =
              connection.prepareStatement(
                  "INSERT INTO jobs (job_id, sweep_id, ordinal, model, scale, gpu_class,"
                      + " precision_name, batch_size, gpus, warmup_batches, measured_batches,"
                      + " dataset_size, epochs, state, updated_at_ms)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int ordinal = 0;
            for (JobSpec j : jobs) {
              ps.setString(1, j.jobId());
              ps.setString(2, sweepId);
              ps.setInt(3, ordinal++);
              ps.setString(4, j.model());
              ps.setDouble(5, j.scale());
              ps.setString(6, j.gpuClass());
              ps.setString(7, j.precision().wireName());
              ps.setInt(8, j.batchSize());
              ps.setInt(9, j.gpus());
              ps.setInt(10, j.warmupBatches());
              ps.setInt(11, j.measuredBatches());
              ps.setLong(12, j.fullTraining().datasetSize());
              ps.setInt(13, j.fullTraining().epochs());
              ps.setString(14, JobState.QUEUED.name());
              ps.setLong(15, nowMs);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  public synchronized void markPublished(List<String> jobIds, long nowMs) {
    inTransaction(
        () -> {
          try (var ps =
              connection.prepareStatement(
                  "UPDATE jobs SET published_at_ms = ? WHERE job_id = ?"
                      + " AND published_at_ms IS NULL")) {
            for (String id : jobIds) {
              ps.setLong(1, nowMs);
              ps.setString(2, id);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  /** Jobs stored but never acknowledged by Kafka, queued before {@code queuedBeforeMs}. */
  public synchronized List<JobSpec> unpublishedJobs(long queuedBeforeMs) {
    return inTransaction(
        () -> {
          try (var ps =
              connection.prepareStatement(
                  "SELECT * FROM jobs WHERE published_at_ms IS NULL AND updated_at_ms < ?"
                      + " ORDER BY sweep_id, ordinal")) {
            ps.setLong(1, queuedBeforeMs);
            try (ResultSet rs = ps.executeQuery()) {
              var out = new ArrayList<JobSpec>();
              while (rs.next()) {
                out.add(jobSpec(rs));
              }
              return out;
            }
          }
        });
  }

  /**
   * Applies events in one transaction. An event already seen (same run and sequence number)
   * changes nothing. Returns how many were new.
   */
  public synchronized int ingest(List<RunEvent> events, long nowMs) {
    return inTransaction(() -> applier.applyAll(events, nowMs));
  }

  public synchronized Optional<SweepView> sweep(String sweepId) {
    return inTransaction(() -> new SweepQueries(connection).sweep(sweepId));
  }

  /** The measured batches of a run, in order. */
  public synchronized List<BatchView> batches(String runId) {
    return inTransaction(() -> {
      try (var ps = prepare(connection, "SELECT batch_index, duration_ns, energy_j, resolution_j"
              + " FROM batches WHERE run_id = ? ORDER BY batch_index", runId);
          ResultSet rs = ps.executeQuery()) {
        var out = new ArrayList<BatchView>();
        while (rs.next()) {
          out.add(new BatchView(rs.getInt(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4)));
        }
        return out;
      }
    });
  }

  public synchronized List<SweepView.Summary> sweeps() {
    return inTransaction(() -> new SweepQueries(connection).sweeps());
  }

  static JobSpec jobSpec(ResultSet rs) throws SQLException {
    return new JobSpec(
        rs.getString("job_id"),
        rs.getString("sweep_id"),
        rs.getString("model"),
        rs.getDouble("scale"),
        rs.getString("gpu_class"),
        Precision.parse("precision", rs.getString("precision_name")),
        rs.getInt("batch_size"),
        rs.getInt("gpus"),
        rs.getInt("warmup_batches"),
        rs.getInt("measured_batches"),
        new FullTraining(rs.getLong("dataset_size"), rs.getInt("epochs")));
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Closing the catalog failed: {}", e.getMessage());
    }
  }

  private <T> T inTransaction(SqlWork<T> work) {
    try {
      T result = work.run();
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      applier.forgetUncommitted();
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      if (e instanceof CatalogException ce) {
        throw ce;
      }
      throw new CatalogException("catalog operation failed: " + e.getMessage(), e);
    }
  }

  private static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)password=[^;&]*", "password=***");
  }

  @FunctionalInterface
  interface SqlWork<T> {
    T run() throws SQLException;
  }

  static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }
}
