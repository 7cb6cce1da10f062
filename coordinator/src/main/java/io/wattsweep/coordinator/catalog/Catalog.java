package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.energy.Footprint;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.SweepSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  private final Transactions tx;
  private final JobReturns returns;
  private final Submissions submissions;
  private final Ingestion ingestion;
  private final LostRuns lostRuns;
  private final BacklogQueries backlogQueries;
  private final SweepQueries sweepQueries;
  private final RunQueries runQueries;
  private final ModelVersions versions;
  private final PowerTraces powerTraces;

  private Catalog(Connection connection, Footprint footprint) {
    this.connection = connection;
    this.returns = new JobReturns(connection);
    var applier = new EventApplier(connection, returns);
    this.tx = new Transactions(connection, applier::committed, applier::forgetUncommitted);
    this.submissions = new Submissions(connection);
    this.ingestion = new Ingestion(connection, tx, applier);
    this.lostRuns = new LostRuns(connection, returns);
    this.backlogQueries = new BacklogQueries(connection);
    this.sweepQueries = new SweepQueries(connection, footprint);
    this.runQueries = new RunQueries(connection, footprint);
    this.versions = new ModelVersions(connection);
    this.powerTraces = new PowerTraces(connection);
  }

  /**
   * How many times a job may go out before a run that comes back unfinished (aborted or lost) gives
   * it up as FAILED; {@value JobReturns#DEFAULT_MAX_ATTEMPTS} unless set.
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
    return new Catalog(Connections.open(jdbcUrl, user, password), footprint);
  }

  /**
   * Stores a sweep and its jobs as QUEUED, all or nothing.
   *
   * @param submittedBy who submitted it, for the provenance of the model versions it produces
   */
  public synchronized void insertSweep(
      String sweepId,
      SweepSpec spec,
      String specJson,
      List<JobSpec> jobs,
      long nowMs,
      String submittedBy) {
    tx.run(
        () -> {
          submissions.insertSweep(sweepId, spec, specJson, jobs, nowMs, submittedBy);
          return null;
        });
  }

  public synchronized void markPublished(List<String> jobIds, long nowMs) {
    tx.run(
        () -> {
          submissions.markPublished(jobIds, nowMs);
          return null;
        });
  }

  /**
   * Jobs not yet acknowledged by Kafka: those stored before {@code queuedBeforeMs} (a younger one
   * may still be on its way) and those queued again after an attempt, which go out at once.
   */
  public synchronized List<JobSpec> unpublishedJobs(long queuedBeforeMs) {
    return tx.run(() -> submissions.unpublishedJobs(queuedBeforeMs));
  }

  /** Applies events read from no stream: {@link #ingest(List, List, long)} with no offsets. */
  public synchronized int ingest(List<RunEvent> events, long nowMs) {
    return ingest(events, List.of(), nowMs);
  }

  /**
   * Applies events in one transaction, and in it moves the offsets of the partitions they were read
   * from forward to {@code offsets}: after a crash the catalog holds the events of exactly the
   * offsets it holds. An event already seen (same run and sequence number) changes nothing. Returns
   * how many were new.
   */
  public synchronized int ingest(List<RunEvent> events, List<EventOffset> offsets, long nowMs) {
    return ingestion.ingest(events, offsets, nowMs);
  }

  /** The next offset to read of each partition of {@code topic} the catalog ingested from. */
  public synchronized Map<Integer, Long> eventOffsets(String topic) {
    return tx.run(() -> EventOffsets.read(connection, topic));
  }

  /** Queued and running jobs per GPU class and GPU count. */
  public synchronized List<Backlog> backlog() {
    return tx.run(backlogQueries::backlog);
  }

  public synchronized Optional<SweepView> sweep(String sweepId) {
    return tx.run(() -> sweepQueries.sweep(sweepId));
  }

  public synchronized List<SweepView.Summary> sweeps() {
    return tx.run(sweepQueries::sweeps);
  }

  /** Runs of the selection, oldest first. */
  public synchronized List<RunRow> runs(RunFilter filter) {
    return tx.run(() -> runQueries.runs(filter));
  }

  public synchronized Optional<RunRow> run(String runId) {
    return tx.run(() -> runQueries.run(runId));
  }

  /** The measured batches of a run, in order. */
  public synchronized List<BatchView> batches(String runId) {
    return tx.run(() -> runQueries.batches(runId));
  }

  /** The completed run of the selection with the least full-training energy, or time. */
  public synchronized Optional<RunRow> best(RunFilter filter, boolean byEnergy) {
    return tx.run(() -> runQueries.best(filter, byEnergy));
  }

  /** The completed runs that no other beats on both full-training energy and time. */
  public synchronized List<RunRow> pareto(RunFilter filter) {
    return tx.run(() -> runQueries.pareto(filter));
  }

  /**
   * A run's power over time in at most {@code maxPoints} points (see {@link PowerTrace}); empty
   * when the catalog holds no such run.
   */
  public synchronized Optional<PowerTrace> powerTrace(String runId, int maxPoints) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("points must be >= 1: " + maxPoints);
    }
    return tx.run(() -> powerTraces.trace(runId, maxPoints));
  }

  /**
   * Runs still RUNNING that the catalog has not heard from since {@code silentSinceMs} become
   * ABANDONED; their jobs, unless finished by another run, go out again or are given up after their
   * last attempt ({@link JobReturns}). Returns the ids of the jobs queued again. A run's last-event
   * time is written only every {@link RunActivity#TOUCH_EVERY_MS}, so a run counts as silent only
   * when that time is older by as much again: never early, at most that late.
   *
   * @param liveJobs jobs that live workers say they run: their runs are not lost, however silent
   */
  public synchronized List<String> abandonSilentRuns(
      long silentSinceMs, long nowMs, Set<String> liveJobs) {
    return tx.run(() -> lostRuns.abandonSilent(silentSinceMs, nowMs, liveJobs));
  }

  /**
   * A worker that stopped beating had claimed {@code jobId} (its last beat, at {@code lastBeatMs},
   * named it): its running runs of the job become ABANDONED and the job goes out again (or is given
   * up after its last attempt), as long as the claim is still the job's latest, that is, the job
   * runs only on that worker, or is queued from a publication older than the claim (the worker died
   * between taking the job and starting its run). Returns whether the job was queued again.
   */
  public synchronized boolean returnLostClaim(
      String jobId, String workerId, long lastBeatMs, long nowMs) {
    return tx.run(() -> lostRuns.returnClaim(jobId, workerId, lastBeatMs, nowMs));
  }

  /** The versions of a model, newest first: each completed run registers one. */
  public synchronized List<ModelVersion> modelVersions(String model) {
    return tx.run(() -> versions.all(model));
  }

  /** The model's version with that number, or the one that alias names. */
  public synchronized Optional<ModelVersion> modelVersion(String model, String versionOrAlias) {
    return tx.run(() -> versions.one(model, versionOrAlias));
  }

  /**
   * Points {@code alias} at the model's version, moving it from any other; false (and nothing
   * changed) when the model has no such version.
   *
   * @throws IllegalArgumentException when the alias is not a valid name, naming it
   */
  public synchronized boolean setModelAlias(
      String model, String alias, int version, long nowMs, String setBy) {
    ModelVersions.checkAlias(alias);
    return tx.run(() -> versions.setAlias(model, alias, version, nowMs, setBy));
  }

  /** Throws, naming the value, unless {@code alias} is a valid alias name. */
  public static String checkAlias(String alias) {
    return ModelVersions.checkAlias(alias);
  }

  /** Removes the alias; false when the model had none of that name. */
  public synchronized boolean deleteModelAlias(String model, String alias) {
    return tx.run(() -> versions.deleteAlias(model, alias));
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Closing the catalog failed: {}", e.getMessage());
    }
  }
}
