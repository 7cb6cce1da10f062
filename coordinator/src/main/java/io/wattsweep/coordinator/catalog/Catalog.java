package io.wattsweep.coordinator.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattsweep.common.energy.Footprint;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.SweepSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  private static final ObjectMapper METADATA = new ObjectMapper();

  private final Connection connection;
  private final EventApplier applier;
  private final JobReturns returns;
  private final Footprint footprint;

  private Catalog(Connection connection, Footprint footprint) {
    this.connection = connection;
    this.returns = new JobReturns(connection);
    this.applier = new EventApplier(connection, returns);
    this.footprint = footprint;
  }

  /**
   * How many times a job may go out before a run that comes back unfinished (aborted or lost)
   * gives it up as FAILED; {@value JobReturns#DEFAULT_MAX_ATTEMPTS} unless set.
   */
  public Catalog maxAttempts(int attempts) {
    returns.maxAttempts(attempts);
    return this;
  }

  /** Opens the catalog with the default footprint settings ({@link Footprint#DEFAULT}). */
  public static Catalog open(String jdbcUrl, String user, String password) {
    return open(jdbcUrl, user, password, Footprint.DEFAULT);
  }

  /**
   * Migrates the schema to the latest version, then opens the catalog.
   *
   * @param footprint how views turn energy into CO2e and cost
   */
  public static Catalog open(String jdbcUrl, String user, String password, Footprint footprint) {
    Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    try {
      var props = new java.util.Properties();
      props.setProperty("user", user);
      props.setProperty("password", password);
      if (jdbcUrl.startsWith("jdbc:postgresql:")) {
        // Send batched inserts as multi-row inserts: ingestion's hot path.
        props.setProperty("reWriteBatchedInserts", "true");
      }
      Connection c = DriverManager.getConnection(jdbcUrl, props);
      if (jdbcUrl.startsWith("jdbc:h2:file:")) {
        // H2 writes a commit to its file up to 500 ms later by default: a coordinator killed
        // then would lose a sweep it answered 201 to, or batches its API already showed.
        try (var st = c.createStatement()) {
          st.execute("SET WRITE_DELAY 0");
        }
      }
      c.setAutoCommit(false);
      LOG.info("Catalog open at {}", redact(jdbcUrl));
      return new Catalog(c, footprint);
    } catch (SQLException e) {
      throw new CatalogException("cannot open the catalog at " + redact(jdbcUrl), e);
    }
  }

  /** Stores a sweep and its jobs as QUEUED, all or nothing, without a submitter. */
  public synchronized void insertSweep(
      String sweepId, SweepSpec spec, String specJson, List<JobSpec> jobs, long nowMs) {
    insertSweep(sweepId, spec, specJson, jobs, nowMs, null);
  }

  /**
   * Stores a sweep and its jobs as QUEUED, all or nothing.
   *
   * @param submittedBy who submitted it, for the provenance of the model versions it produces
   */
  public synchronized void insertSweep(String sweepId, SweepSpec spec, String specJson,
      List<JobSpec> jobs, long nowMs, String submittedBy) {
    inTransaction(
        () -> {
          try (var ps =
              connection.prepareStatement(
                  "INSERT INTO sweeps (sweep_id, name, model, spec_json, submitted_at_ms,"
                      + " submitted_by, metadata_json) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, sweepId);
            ps.setString(2, spec.name());
            ps.setString(3, spec.model());
            ps.setString(4, specJson);
            ps.setLong(5, nowMs);
            ps.setString(6, submittedBy);
            ps.setString(7, metadataJson(spec));
            ps.executeUpdate();
          }
          try (var ps =
              connection.prepareStatement(
                  "INSERT INTO jobs (job_id, sweep_id, ordinal, model, scale, gpu_class,"
                      + " precision_name, batch_size, gpus, warmup_batches, measured_batches,"
                      + " dataset_size, epochs, state, updated_at_ms, max_warmup_batches,"
                      + " max_measured_batches, target_ci_share, dataset, batch_semantics)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
              FullTraining ft = j.fullTraining(); // null: a command workload's, none named
              ps.setObject(12, ft == null ? null : ft.datasetSize());
              ps.setObject(13, ft == null ? null : ft.epochs());
              ps.setString(14, JobState.QUEUED.name());
              ps.setLong(15, nowMs);
              ps.setInt(16, j.stopping().maxWarmupBatches());
              ps.setInt(17, j.stopping().maxMeasuredBatches());
              ps.setDouble(18, j.stopping().targetCiShare());
              ps.setString(19, j.dataset());
              ps.setString(20, j.batchSemantics().wireName());
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

  /**
   * Jobs not yet acknowledged by Kafka: those stored before {@code queuedBeforeMs} (a younger one
   * may still be on its way) and those queued again after an attempt, which go out at once.
   */
  public synchronized List<JobSpec> unpublishedJobs(long queuedBeforeMs) {
    return inTransaction(
        () -> {
          try (var ps =
              connection.prepareStatement(
                  "SELECT * FROM jobs WHERE published_at_ms IS NULL AND state = 'QUEUED'"
                      + " AND (updated_at_ms < ? OR attempts > 0) ORDER BY sweep_id, ordinal")) {
            ps.setLong(1, queuedBeforeMs);
            try (ResultSet rs = ps.executeQuery()) {
              var out = new ArrayList<JobSpec>();
              while (rs.next()) {
                out.add(JobRows.read(rs));
              }
              return out;
            }
          }
        });
  }

  /** Applies events read from no stream: {@link #ingest(List, List, long)} with no offsets. */
  public synchronized int ingest(List<RunEvent> events, long nowMs) {
    return ingest(events, List.of(), nowMs);
  }

  /**
   * Applies events in one transaction, and in it moves the offsets of the partitions they were
   * read from forward to {@code offsets}: after a crash the catalog holds the events of exactly
   * the offsets it holds. An event already seen (same run and sequence number) changes nothing.
   * Returns how many were new.
   */
  public synchronized int ingest(List<RunEvent> events, List<EventOffset> offsets, long nowMs) {
    // Redelivered samples and batches are rare (a restart, a rebalance): insert without looking
    // them up, which for a batch spread over thousands of runs cost more than the inserts, and
    // write the batch again with the look-ups only when a key turns out to be stored already.
    try {
      return inTransaction(() -> applyAndAdvance(events, offsets, nowMs, false));
    } catch (CatalogException e) {
      if (!isDuplicateKey(e)) {
        throw e;
      }
      LOG.debug("Some of {} events were stored before; writing the others", events.size());
      return inTransaction(() -> applyAndAdvance(events, offsets, nowMs, true));
    }
  }

  private int applyAndAdvance(List<RunEvent> events, List<EventOffset> offsets, long nowMs,
      boolean checkStored) throws SQLException {
    int applied = applier.applyAll(events, nowMs, checkStored);
    EventOffsets.advance(connection, offsets);
    return applied;
  }

  /** The next offset to read of each partition of {@code topic} the catalog ingested from. */
  public synchronized Map<Integer, Long> eventOffsets(String topic) {
    return inTransaction(() -> EventOffsets.read(connection, topic));
  }

  /** A unique-key violation (SQLSTATE 23505 on H2 and PostgreSQL), anywhere in the chain. */
  private static boolean isDuplicateKey(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (var sql = t instanceof SQLException s ? s : null; sql != null;
          sql = sql.getNextException()) {
        if ("23505".equals(sql.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Queued and running jobs per GPU class and GPU count. */
  public synchronized List<Backlog> backlog() {
    return inTransaction(() -> new BacklogQueries(connection).backlog());
  }

  public synchronized Optional<SweepView> sweep(String sweepId) {
    return inTransaction(() -> new SweepQueries(connection, footprint).sweep(sweepId));
  }

  /** Runs of the selection, oldest first. */
  public synchronized List<RunRow> runs(RunFilter filter) {
    return inTransaction(() -> new RunQueries(connection, footprint).runs(filter));
  }

  public synchronized Optional<RunRow> run(String runId) {
    return inTransaction(() -> new RunQueries(connection, footprint).run(runId));
  }

  /** The completed run of the selection with the least full-training energy, or time. */
  public synchronized Optional<RunRow> best(RunFilter filter, boolean byEnergy) {
    return inTransaction(() -> new RunQueries(connection, footprint).best(filter, byEnergy));
  }

  /** The completed runs that no other beats on both full-training energy and time. */
  public synchronized List<RunRow> pareto(RunFilter filter) {
    return inTransaction(() -> new RunQueries(connection, footprint).pareto(filter));
  }

  /**
   * Runs still RUNNING that the catalog has not heard from since {@code silentSinceMs} become
   * ABANDONED; their jobs, unless finished by another run, go out again or are given up after
   * their last attempt ({@link JobReturns}). Returns the ids of the jobs queued again. A run's
   * last-event time is written only every {@link RunActivity#TOUCH_EVERY_MS}, so a run counts
   * as silent only when that time is older by as much again: never early, at most that late.
   *
   * @param liveJobs jobs that live workers say they run: their runs are not lost, however silent
   */
  public synchronized List<String> abandonSilentRuns(long silentSinceMs, long nowMs,
      Set<String> liveJobs) {
    return inTransaction(() -> {
      var runs = new ArrayList<String[]>();
      try (var ps = Jdbc.prepare(connection, "SELECT run_id, job_id FROM runs WHERE state = ?"
          + " AND COALESCE(last_event_at_ms, started_at_ms) < ?", JobState.RUNNING.name(),
          silentSinceMs - RunActivity.TOUCH_EVERY_MS); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!liveJobs.contains(rs.getString(2))) {
            runs.add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
      }
      var requeued = new ArrayList<String>();
      for (String[] r : runs) {
        try (var ps = Jdbc.prepare(connection, "UPDATE runs SET state = ?, ended_at_ms = ?,"
            + " failure_message = ? WHERE run_id = ?", JobState.ABANDONED.name(), nowMs,
            "no event since " + silentSinceMs + " (epoch ms); the job was queued again", r[0])) {
          ps.executeUpdate();
        }
        if (returns.back(r[1], "run " + r[0] + " fell silent", nowMs)
            == JobReturns.Outcome.REQUEUED) {
          requeued.add(r[1]);
        }
      }
      return requeued;
    });
  }

  /**
   * A worker that stopped beating had claimed {@code jobId} (its last beat, at {@code lastBeatMs},
   * named it): its running runs of the job become ABANDONED and the job goes out again (or is
   * given up after its last attempt), as long as the claim is still the job's latest, that is,
   * the job runs only on that worker, or is queued from a publication older than the claim (the
   * worker died between taking the job and starting its run). Returns whether the job was
   * queued again.
   */
  public synchronized boolean returnLostClaim(String jobId, String workerId, long lastBeatMs,
      long nowMs) {
    return inTransaction(() -> {
      String state;
      Long publishedAt;
      try (var ps = Jdbc.prepare(connection, "SELECT state, published_at_ms FROM jobs"
          + " WHERE job_id = ?", jobId); ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        state = rs.getString(1);
        long p = rs.getLong(2);
        publishedAt = rs.wasNull() ? null : p;
      }
      var mine = new ArrayList<String>();
      boolean others = false;
      try (var ps = Jdbc.prepare(connection, "SELECT run_id, worker_id FROM runs WHERE job_id = ?"
          + " AND state = ?", jobId, JobState.RUNNING.name()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (workerId.equals(rs.getString(2))) {
            mine.add(rs.getString(1));
          } else {
            others = true;
          }
        }
      }
      boolean claimedThisPublication = JobState.QUEUED.name().equals(state)
          && publishedAt != null && publishedAt <= lastBeatMs;
      boolean runsOnlyThere = JobState.RUNNING.name().equals(state) && !others;
      if (!claimedThisPublication && !runsOnlyThere) {
        return false;
      }
      String why = "worker " + workerId + " stopped beating (last beat at " + lastBeatMs
          + " epoch ms)";
      for (String runId : mine) {
        try (var ps = Jdbc.prepare(connection, "UPDATE runs SET state = ?, ended_at_ms = ?,"
            + " failure_message = ? WHERE run_id = ?", JobState.ABANDONED.name(), nowMs,
            why + "; the job was queued again", runId)) {
          ps.executeUpdate();
        }
      }
      return returns.back(jobId, why, nowMs) == JobReturns.Outcome.REQUEUED;
    });
  }

  /** The versions of a model, newest first: each completed run registers one. */
  public synchronized List<ModelVersion> modelVersions(String model) {
    return inTransaction(() -> new ModelVersions(connection).all(model));
  }

  /** The model's version with that number, or the one that alias names. */
  public synchronized Optional<ModelVersion> modelVersion(String model, String versionOrAlias) {
    return inTransaction(() -> new ModelVersions(connection).one(model, versionOrAlias));
  }

  /**
   * Points {@code alias} at the model's version, moving it from any other; false (and nothing
   * changed) when the model has no such version.
   *
   * @throws IllegalArgumentException when the alias is not a valid name, naming it
   */
  public synchronized boolean setModelAlias(String model, String alias, int version, long nowMs,
      String setBy) {
    ModelVersions.checkAlias(alias);
    return inTransaction(() -> new ModelVersions(connection).setAlias(model, alias, version,
        nowMs, setBy));
  }

  /** Throws, naming the value, unless {@code alias} is a valid alias name. */
  public static String checkAlias(String alias) {
    return ModelVersions.checkAlias(alias);
  }

  /** Removes the alias; false when the model had none of that name. */
  public synchronized boolean deleteModelAlias(String model, String alias) {
    return inTransaction(() -> new ModelVersions(connection).deleteAlias(model, alias));
  }

  /** The measured batches of a run, in order. */
  public synchronized List<BatchView> batches(String runId) {
    return inTransaction(() -> {
      try (var ps = Jdbc.prepare(connection, "SELECT b.batch_index, b.duration_ns, b.energy_j,"
              + " b.resolution_j FROM batches b JOIN runs r ON r.run_key = b.run_key"
              + " WHERE r.run_id = ? ORDER BY b.batch_index", runId);
          ResultSet rs = ps.executeQuery()) {
        var out = new ArrayList<BatchView>();
        while (rs.next()) {
          out.add(new BatchView(rs.getInt(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4)));
        }
        return out;
      }
    });
  }

  /**
   * A run's power over time in at most {@code maxPoints} points (see {@link PowerTrace}); empty
   * when the catalog holds no such run.
   */
  public synchronized Optional<PowerTrace> powerTrace(String runId, int maxPoints) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("points must be >= 1: " + maxPoints);
    }
    return inTransaction(() -> new PowerTraces(connection).trace(runId, maxPoints));
  }

  public synchronized List<SweepView.Summary> sweeps() {
    return inTransaction(() -> new SweepQueries(connection, footprint).sweeps());
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

  /** The sweep's metadata as a JSON object, or null where it has none. */
  private static String metadataJson(SweepSpec spec) {
    if (spec.metadata().isEmpty()) {
      return null;
    }
    try {
      return METADATA.writeValueAsString(spec.metadata());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always writes as JSON", e);
    }
  }

  private static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)password=[^;&]*", "password=***");
  }

  @FunctionalInterface
  interface SqlWork<T> {
    T run() throws SQLException;
  }
}
