package io.wattsweep.coordinator.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattsweep.common.energy.EnergyReport;
import io.wattsweep.common.energy.IdleBaseline;
import io.wattsweep.common.energy.TrainingEstimate;
import io.wattsweep.common.event.Artifact;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch of run events into the catalog, idempotently, inside the caller's transaction.
 * The frequent events (power samples, measured batches) go in as JDBC batches; the few lifecycle
 * events one by one, after them, so that a run's completion sees all of its batches.
 */
final class EventApplier {
  private static final Logger LOG = LoggerFactory.getLogger(EventApplier.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * How stale a run's last_event_at_ms may be. A cluster's thousands of live runs each rewrote
   * their wide row every second; the abandon check allows for the staleness.
   */
  static final long TOUCH_EVERY_MS = 10_000;

  private final Connection c;
  /** Immutable job fields; jobs never change after submission, only their state. */
  private final Map<String, JobSpec> jobs = new Lru<>(20_000);
  /** Each run's integer key, the key of its samples and batches. */
  private final Map<String, Long> runKeys = new Lru<>(20_000);
  /** When each run's last_event_at_ms was last written (the catalog's clock). */
  private final Map<String, Long> touched = new Lru<>(20_000);
  /** The left-out samples of each run's current decimation window. */
  private final SampleFolds folds = new SampleFolds();

  private final JobReturns returns;

  EventApplier(Connection c, JobReturns returns) {
    this.c = c;
    this.returns = returns;
  }

  /** After a rollback: runs inserted in it, and the times written in it, are gone again. */
  void forgetUncommitted() {
    runKeys.clear();
    touched.clear();
    folds.rollback();
  }

  private record EventKey(String runId, long seq) {}

  /**
   * Returns how many events were new; the rest (seen before, or of unknown jobs) change nothing.
   *
   * @param checkStored whether to look up which samples and batches are stored already; without
   *     it they are inserted as they are, and one stored before fails the transaction with a
   *     duplicate key (the caller then applies the events again with the check)
   */
  int applyAll(List<RunEvent> events, long nowMs, boolean checkStored) throws SQLException {
    folds.begin();
    Map<EventKey, RunEvent> unique = new LinkedHashMap<>();
    for (RunEvent e : events) {
      unique.putIfAbsent(new EventKey(e.runId(), e.seq()), e);
    }
    Map<String, JobSpec> found = jobs(unique.values().stream().map(RunEvent::jobId).toList());
    List<RunEvent> known = new ArrayList<>();
    for (RunEvent e : unique.values()) {
      if (found.containsKey(e.jobId())) {
        known.add(e);
      } else {
        LOG.warn("Event {} of run {} names job {}, which this catalog does not hold; skipped",
            e.seq(), e.runId(), e.jobId());
      }
    }
    // Samples and batches are their own ledger (their keys are (run, seq) and (run, index));
    // the few lifecycle events go through events_seen.
    Map<RunEvent, SampleFolds.Summary> summaries = foldLeftOutSamples(known);
    Map<String, Long> keys = storedRunKeys(known);
    List<RunEvent> fresh = new ArrayList<>(notStored(known, keys, checkStored));
    fresh.addAll(markSeen(known.stream().filter(EventApplier::isLifecycle).toList()));
    addRuns(fresh, keys);
    insertSamplesAndBatches(fresh, keys, summaries);
    for (RunEvent e : fresh) {
      if (e instanceof RunStarted s) {
        started(s, nowMs);
      } else if (e instanceof RunCompleted done) {
        completed(done, found.get(done.jobId()), nowMs);
      } else if (e instanceof RunFailed f) {
        failed(f, nowMs);
      }
    }
    touchRuns(fresh, nowMs);
    return fresh.size();
  }

  /**
   * Folds the samples that decimation leaves out into their windows, in the order the events
   * came; returns what each stored sample that closes a window stands for.
   */
  private Map<RunEvent, SampleFolds.Summary> foldLeftOutSamples(List<RunEvent> events) {
    Map<RunEvent, SampleFolds.Summary> out = new IdentityHashMap<>();
    for (RunEvent e : events) {
      if (e instanceof PowerSample p && p.seq() >= SampleDecimation.FULL_RATE_EVENTS
          && p.seq() <= SampleKeys.MAX_SEQ) {
        if (!SampleDecimation.stored(p.seq())) {
          folds.fold(p);
        } else {
          SampleFolds.Summary summary = folds.close(p);
          if (summary != null) {
            out.put(p, summary);
          }
        }
      }
    }
    return out;
  }

  private static boolean isLifecycle(RunEvent e) {
    return !(e instanceof PowerSample) && !(e instanceof BatchMeasured);
  }

  /**
   * The samples and batches to insert: those not stored yet when {@code check}, else all; a run
   * the catalog does not hold yet has none stored. Samples that {@link SampleDecimation} leaves
   * out are not stored at all.
   */
  private List<RunEvent> notStored(List<RunEvent> events, Map<String, Long> keys, boolean check)
      throws SQLException {
    var samples = new ArrayList<RunEvent>();
    var batches = new ArrayList<RunEvent>();
    var out = new ArrayList<RunEvent>();
    // A batch's key is (run, index): two events measuring one batch would fail the insert for
    // good, so the second is dropped here (one stored before is found by the check).
    var batchesOfThisCall = new java.util.HashSet<List<Object>>();
    for (RunEvent e : events) {
      if (!(e instanceof PowerSample) && !(e instanceof BatchMeasured)) {
        continue;
      }
      if (e instanceof PowerSample && !SampleDecimation.stored(e.seq())) {
        continue;
      }
      if (e instanceof PowerSample && e.seq() > SampleKeys.MAX_SEQ) {
        LOG.warn("Power sample {} of run {} is past the {} a run can store; skipped", e.seq(),
            e.runId(), SampleKeys.MAX_SEQ);
        continue;
      }
      if (e instanceof BatchMeasured b
          && !batchesOfThisCall.add(List.of(b.runId(), b.batchIndex()))) {
        LOG.warn("Event {} of run {} measures batch {} again, under another seq; skipped",
            b.seq(), b.runId(), b.batchIndex());
        continue;
      }
      if (!check || !keys.containsKey(e.runId())) {
        out.add(e);
      } else {
        (e instanceof PowerSample ? samples : batches).add(e);
      }
    }
    out.addAll(absentSamples(samples, keys));
    out.addAll(absentBatches(batches, keys));
    return out;
  }

  /**
   * The samples whose rows are not stored yet: all their keys looked up in one query, so that a
   * batch spread over thousands of runs (a cluster's workers at 10 Hz each) costs one query, not
   * one a run.
   */
  private List<RunEvent> absentSamples(List<RunEvent> samples, Map<String, Long> keys)
      throws SQLException {
    if (samples.isEmpty()) {
      return samples;
    }
    var present = new java.util.HashSet<Long>();
    Object[] sampleKeys =
        samples.stream().map(e -> SampleKeys.of(keys.get(e.runId()), e.seq())).toArray();
    try (var ps = Jdbc.prepare(c, "SELECT sample_key FROM power_samples"
        + " WHERE sample_key = ANY(?)", c.createArrayOf("BIGINT", sampleKeys));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        present.add(rs.getLong(1));
      }
    }
    return samples.stream()
        .filter(e -> !present.contains(SampleKeys.of(keys.get(e.runId()), e.seq()))).toList();
  }

  /**
   * The measured batches whose rows are not stored yet: one query for all their runs, over the
   * range of batch indexes they span (a run measures tens of batches, not thousands).
   */
  private List<RunEvent> absentBatches(List<RunEvent> batches, Map<String, Long> keys)
      throws SQLException {
    if (batches.isEmpty()) {
      return batches;
    }
    var present = new java.util.HashSet<List<Long>>();
    Object[] runKeys = batches.stream().map(e -> keys.get(e.runId())).distinct().toArray();
    var indexes = batches.stream().mapToInt(e -> ((BatchMeasured) e).batchIndex())
        .summaryStatistics();
    try (var ps = Jdbc.prepare(c, "SELECT run_key, batch_index FROM batches"
            + " WHERE run_key = ANY(?) AND batch_index BETWEEN ? AND ?",
            c.createArrayOf("BIGINT", runKeys), indexes.getMin(), indexes.getMax());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        present.add(List.of(rs.getLong(1), rs.getLong(2)));
      }
    }
    return batches.stream().filter(e -> !present.contains(
        List.of(keys.get(e.runId()), (long) ((BatchMeasured) e).batchIndex()))).toList();
  }

  /** Sets a range query's parameters for one run's keys from {@code lo} to {@code hi}. */
  @FunctionalInterface
  private interface RangeBinder {
    void bind(PreparedStatement ps, String runId, long lo, long hi) throws SQLException;
  }

  /**
   * The events whose key the table lacks. A run's events come nearly in order, so one index
   * range scan per run of the batch finds the keys already there.
   */
  private List<RunEvent> absent(List<RunEvent> events,
      java.util.function.ToLongFunction<RunEvent> key, String rangeQuery, RangeBinder binder)
      throws SQLException {
    if (events.isEmpty()) {
      return events;
    }
    Map<String, long[]> ranges = new LinkedHashMap<>();
    for (RunEvent e : events) {
      long k = key.applyAsLong(e);
      ranges.merge(e.runId(), new long[] {k, k},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    Map<String, Set<Long>> present = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(rangeQuery)) {
      for (var r : ranges.entrySet()) {
        binder.bind(ps, r.getKey(), r.getValue()[0], r.getValue()[1]);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            present.computeIfAbsent(r.getKey(), k -> new java.util.HashSet<>())
                .add(rs.getLong(1));
          }
        }
      }
    }
    return events.stream().filter(e -> !present.getOrDefault(e.runId(), Set.of())
        .contains(key.applyAsLong(e))).toList();
  }

  /** Records lifecycle events in the ledger and returns those it did not hold yet. */
  private List<RunEvent> markSeen(List<RunEvent> events) throws SQLException {
    if (events.isEmpty()) {
      return events;
    }
    var absent = new java.util.HashSet<>(absent(events, RunEvent::seq,
        "SELECT seq FROM events_seen WHERE run_id = ? AND seq BETWEEN ? AND ?",
        (ps, run, lo, hi) -> {
          ps.setString(1, run);
          ps.setLong(2, lo);
          ps.setLong(3, hi);
        }));
    List<RunEvent> fresh = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO events_seen (run_id, seq, type) VALUES (?, ?, ?)")) {
      for (RunEvent e : events) {
        if (absent.contains(e)) {
          fresh.add(e);
          ps.setString(1, e.runId());
          ps.setLong(2, e.seq());
          ps.setString(3, e.getClass().getSimpleName());
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
    return fresh;
  }

  /** The keys of the events' runs that the catalog holds, from the cache or in chunked queries. */
  private Map<String, Long> storedRunKeys(List<RunEvent> events) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    var missing = new java.util.LinkedHashSet<String>();
    for (RunEvent e : events) {
      Long key = runKeys.get(e.runId());
      if (key != null) {
        out.put(e.runId(), key);
      } else {
        missing.add(e.runId());
      }
    }
    if (!missing.isEmpty()) {
      Map<String, Long> found = selectRunKeys(missing);
      runKeys.putAll(found);
      out.putAll(found);
    }
    return out;
  }

  /** Stores a row for each run that has none yet, and adds the new runs' keys to {@code keys}. */
  private void addRuns(List<RunEvent> events, Map<String, Long> keys) throws SQLException {
    Map<String, RunEvent> firstOfRun = new LinkedHashMap<>();
    for (RunEvent e : events) {
      if (!keys.containsKey(e.runId())) {
        firstOfRun.putIfAbsent(e.runId(), e);
      }
    }
    if (firstOfRun.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (run_id, job_id, state,"
        + " started_at_ms) VALUES (?, ?, ?, ?)")) {
      for (RunEvent e : firstOfRun.values()) {
        ps.setString(1, e.runId());
        ps.setString(2, e.jobId());
        ps.setString(3, JobState.RUNNING.name());
        ps.setLong(4, e.atMs());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    Map<String, Long> added = selectRunKeys(firstOfRun.keySet());
    runKeys.putAll(added);
    keys.putAll(added);
  }

  private Map<String, Long> selectRunKeys(Collection<String> runIds) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (var ps = Jdbc.prepare(c, "SELECT run_id, run_key FROM runs WHERE run_id = ANY(?)",
        c.createArrayOf("VARCHAR", runIds.toArray())); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private void insertSamplesAndBatches(List<RunEvent> events, Map<String, Long> keys,
      Map<RunEvent, SampleFolds.Summary> summaries) throws SQLException {
    try (PreparedStatement samples = c.prepareStatement("INSERT INTO power_samples (sample_key,"
            + " run_key, seq, at_ms, power_w, method, folded, min_w, max_w, mean_w)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement batches = c.prepareStatement("INSERT INTO batches (run_key,"
            + " batch_index, at_ms, duration_ns, energy_j, resolution_j, d_loss, g_loss)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (RunEvent e : events) {
        if (e instanceof PowerSample p) {
          long runKey = keys.get(p.runId());
          samples.setLong(1, SampleKeys.of(runKey, p.seq()));
          samples.setLong(2, runKey);
          samples.setLong(3, p.seq());
          samples.setLong(4, p.atMs());
          samples.setDouble(5, p.powerWatts());
          samples.setString(6, p.method().wireName());
          SampleFolds.Summary f = summaries.get(p);
          if (f == null) {
            samples.setNull(7, Types.INTEGER);
            samples.setNull(8, Types.DOUBLE);
            samples.setNull(9, Types.DOUBLE);
            samples.setNull(10, Types.DOUBLE);
          } else {
            samples.setInt(7, f.samples());
            samples.setDouble(8, f.minWatts());
            samples.setDouble(9, f.maxWatts());
            samples.setDouble(10, f.meanWatts());
          }
          samples.addBatch();
        } else if (e instanceof BatchMeasured b) {
          batches.setLong(1, keys.get(b.runId()));
          batches.setInt(2, b.batchIndex());
          batches.setLong(3, b.atMs());
          batches.setLong(4, b.durationNanos());
          batches.setDouble(5, b.energyJoules());
          batches.setDouble(6, b.energyResolutionJoules());
          batches.setObject(7, Jdbc.finiteOrNull(b.discriminatorLoss()));
          batches.setObject(8, Jdbc.finiteOrNull(b.generatorLoss()));
          batches.addBatch();
        }
      }
      samples.executeBatch();
      batches.executeBatch();
    }
  }

  /**
   * Records when the catalog last heard from each run, to within {@link #TOUCH_EVERY_MS}:
   * rewriting a run's wide row for every batch of its events was a tenth of the cost of
   * ingesting them, and at 5,000 runs once a second still a third.
   */
  private void touchRuns(List<RunEvent> events, long nowMs) throws SQLException {
    var runs = events.stream().map(RunEvent::runId).distinct()
        .filter(run -> {
          Long last = touched.get(run);
          return last == null || nowMs - last >= TOUCH_EVERY_MS || nowMs < last;
        }).toList();
    if (runs.isEmpty()) {
      return;
    }
    Jdbc.update(c, "UPDATE runs SET last_event_at_ms = ? WHERE run_id = ANY(?)", nowMs,
        c.createArrayOf("VARCHAR", runs.toArray()));
    runs.forEach(run -> touched.put(run, nowMs));
    revive(runs, nowMs);
  }

  /**
   * Runs the coordinator judged lost (ABANDONED for silence, not aborted by their worker) that
   * are heard from again are RUNNING again, and so is their job if it was only queued: they may
   * still give the job its result, and if another run gives it first they end SUPERSEDED. An
   * abandoned run was silent for longer than {@link #TOUCH_EVERY_MS}, so its next event always
   * comes through here.
   */
  private void revive(List<String> runs, long nowMs) throws SQLException {
    var lost = new ArrayList<String[]>();
    try (var ps = Jdbc.prepare(c, "SELECT run_id, job_id FROM runs WHERE run_id = ANY(?)"
            + " AND state = ? AND failure_reason IS NULL",
            c.createArrayOf("VARCHAR", runs.toArray()), JobState.ABANDONED.name());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        lost.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] run : lost) {
      LOG.warn("Run {} of job {} was judged lost but is heard from again; running again",
          run[0], run[1]);
      Jdbc.update(c, "UPDATE runs SET state = ?, ended_at_ms = NULL, failure_message = NULL"
          + " WHERE run_id = ?", JobState.RUNNING.name(), run[0]);
      advanceJob(run[1], JobState.RUNNING, null, nowMs);
    }
  }

  private void started(RunStarted s, long nowMs) throws SQLException {
    Jdbc.update(c, "UPDATE runs SET worker_id = ?, host = ?, started_at_ms = ?, precision_requested = ?,"
            + " precision_ran = ?, precision_note = ?, devices_json = ?, energy_method = ?,"
            + " idle_power_w = ?, generator_params = ?, discriminator_params = ?,"
            + " flops_per_step = ?, framework = ?, architecture = ?, source_revision = ?,"
            + " ready_idle_power_w = ? WHERE run_id = ?",
        s.workerId(), s.host(), s.atMs(), s.precisionRequested().wireName(),
        s.precisionRan().wireName(), s.precisionNote(), json(s.devices()),
        s.energyMethod().wireName(), s.idlePowerWatts(), positiveOrNull(s.generatorParameters()),
        positiveOrNull(s.discriminatorParameters()), positiveOrNull(s.flopsPerStep()),
        s.framework(), truncate(s.architecture(), 16_000), truncate(s.sourceRevision(), 100),
        s.readyIdlePowerWatts(), s.runId());
    if (s.workerFullTraining() != null) {
      Jdbc.update(c, "UPDATE runs SET worker_dataset_size = ?, worker_epochs = ? WHERE run_id = ?",
          s.workerFullTraining().datasetSize(), s.workerFullTraining().epochs(), s.runId());
    }
    for (DeviceInfo d : s.devices()) {
      Jdbc.update(c, "MERGE INTO devices t USING (VALUES (CAST(? AS VARCHAR(100)))) AS s (uuid)"
              + " ON t.uuid = s.uuid WHEN NOT MATCHED THEN INSERT (uuid, kind, name,"
              + " architecture, power_limit_w, driver, first_seen_at_ms)"
              + " VALUES (s.uuid, ?, ?, ?, ?, ?, ?)",
          d.uuid(), d.kind(), d.name(), d.architecture(), d.powerLimitWatts(), d.driver(),
          nowMs);
      Jdbc.update(c, "MERGE INTO run_devices t USING (VALUES (CAST(? AS VARCHAR(120)),"
              + " CAST(? AS VARCHAR(100)))) AS s (run_id, uuid)"
              + " ON t.run_id = s.run_id AND t.device_uuid = s.uuid"
              + " WHEN NOT MATCHED THEN INSERT (run_id, device_uuid, device_index)"
              + " VALUES (s.run_id, s.uuid, ?)",
          s.runId(), d.uuid(), d.index());
    }
    advanceJob(s.jobId(), JobState.RUNNING, null, nowMs);
  }

  private void completed(RunCompleted done, JobSpec job, long nowMs) throws SQLException {
    var perBatch = new ArrayList<Double>();
    var missing = new java.util.TreeSet<Integer>();
    for (int i = 0; i < done.measuredBatches(); i++) {
      missing.add(i);
    }
    try (var ps = Jdbc.prepare(c,
        "SELECT b.batch_index, b.energy_j FROM batches b JOIN runs r ON r.run_key = b.run_key"
            + " WHERE r.run_id = ? ORDER BY b.batch_index", done.runId());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        missing.remove(rs.getInt(1));
        perBatch.add(rs.getDouble(2));
      }
    }
    if (!missing.isEmpty()) {
      // A run's events come in order on one partition and none is skipped: these never come.
      LOG.warn("Run {} of job {} completed without measured batches {} in the catalog; failed",
          done.runId(), done.jobId(), missing);
      failed(new RunFailed(done.jobId(), done.runId(), done.seq(), done.atMs(),
          FailureReason.INCOMPLETE, "completed with " + (done.measuredBatches() - missing.size())
              + " of its " + done.measuredBatches() + " measured batches in the catalog;"
              + " missing batches " + missing), nowMs);
      return;
    }
    String result = completedRunOf(done.jobId(), done.runId());
    JobState state = result == null ? JobState.COMPLETED : JobState.SUPERSEDED;
    if (result != null) {
      LOG.info("Run {} of job {} completed after run {} had; kept as {}", done.runId(),
          done.jobId(), result, state);
    }
    TrainingChoice training = TrainingChoice.of(job, workerFullTraining(done.runId()));
    EnergyReport r = EnergyReport.of(done.energyMethod(), done.measuredBatches(),
        perBatch.stream().mapToDouble(Double::doubleValue).toArray(), done.spanDurationNanos(),
        done.spanEnergyJoules(), done.idlePowerWatts(), training.training(),
        job.globalBatchSize());
    TrainingEstimate ft = r.fullTraining();
    Jdbc.update(c, "UPDATE runs SET energy_method = COALESCE(energy_method, ?), state = ?,"
            + " ended_at_ms = ?, measured_batches = ?, span_duration_ns = ?,"
            + " span_energy_j = ?, seconds_per_batch = ?, energy_per_batch_j = ?,"
            + " energy_per_batch_sd_j = ?, energy_per_batch_ci95_j = ?,"
            + " net_energy_per_batch_j = ?, full_training_batches = ?,"
            + " full_training_energy_j = ?, full_training_ci95_j = ?, full_training_seconds = ?,"
            + " full_training_note = ?, net_idle_baseline = ?, warmup_batches_run = ?,"
            + " power_settled = ? WHERE run_id = ?",
        done.energyMethod().wireName(), state.name(), done.atMs(),
        done.measuredBatches(), done.spanDurationNanos(),
        done.spanEnergyJoules(), r.secondsPerBatch(), r.energyPerBatchJoules(),
        Jdbc.finiteOrNull(r.perBatchJoules().stdDev()), Jdbc.finiteOrNull(r.perBatchJoules().ci95HalfWidth()),
        r.netEnergyPerBatchJoules(), ft == null ? null : ft.batches(),
        ft == null ? null : ft.energyJoules(),
        ft == null ? null : Jdbc.finiteOrNull(ft.energyCi95Joules()),
        ft == null ? null : ft.durationSeconds(), training.note(),
        // An older worker's net subtracted the idle taken before the job's process existed.
        (done.idleBaseline() == null ? IdleBaseline.NO_JOB : done.idleBaseline()).wireName(),
        done.warmupBatches(), done.powerSettled(), done.runId());
    if (state == JobState.COMPLETED
        && advanceJob(done.jobId(), JobState.COMPLETED, done.runId(), nowMs)) {
      registerVersion(done.runId(), job, done.artifact(), nowMs);
    }
  }

  /** The job's COMPLETED run other than {@code runId}, or null: a job has one result. */
  private String completedRunOf(String jobId, String runId) throws SQLException {
    try (var ps = Jdbc.prepare(c, "SELECT run_id FROM runs WHERE job_id = ? AND state = ?"
        + " AND run_id <> ?", jobId, JobState.COMPLETED.name(), runId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The full training the run's worker defined for its command workload, if it did. */
  private FullTraining workerFullTraining(String runId) throws SQLException {
    try (var ps = Jdbc.prepare(c, "SELECT worker_dataset_size, worker_epochs FROM runs"
        + " WHERE run_id = ?", runId); ResultSet rs = ps.executeQuery()) {
      Long size = rs.next() ? rs.getObject(1, Long.class) : null;
      return size == null ? null : new FullTraining(size, rs.getInt(2));
    }
  }

  /**
   * A completed run is a new version of its model, with where it came from and the trained
   * generator it saved (null artifact: a run from a worker that saved none).
   */
  private void registerVersion(String runId, JobSpec job, Artifact artifact, long nowMs)
      throws SQLException {
    Jdbc.update(c, "MERGE INTO models t USING (VALUES (CAST(? AS VARCHAR(64)))) AS s (name)"
            + " ON t.name = s.name WHEN NOT MATCHED THEN INSERT (name, task, paper)"
            + " VALUES (s.name, ?, ?)",
        job.model(), ModelTaxonomy.task(job.model()), ModelTaxonomy.paper(job.model()));
    int version;
    try (var ps = Jdbc.prepare(c, "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions"
        + " WHERE model = ?", job.model()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      version = rs.getInt(1);
    }
    Jdbc.update(c, "INSERT INTO model_versions (model, version, run_id, scale, framework,"
            + " generator_params, discriminator_params, flops_per_step, architecture,"
            + " artifact_uri, artifact_sha256, artifact_bytes, source_revision, sweep_id,"
            + " submitted_by, created_at_ms, metadata_json)"
            + " SELECT ?, ?, r.run_id, ?, r.framework, r.generator_params,"
            + " r.discriminator_params, r.flops_per_step, r.architecture, ?, ?, ?,"
            + " r.source_revision, s.sweep_id, s.submitted_by, ?, s.metadata_json"
            + " FROM runs r JOIN jobs j ON j.job_id = r.job_id"
            + " JOIN sweeps s ON s.sweep_id = j.sweep_id WHERE r.run_id = ?",
        job.model(), version, job.scale(), artifact == null ? null : artifact.uri(),
        artifact == null ? null : artifact.sha256(), artifact == null ? null : artifact.bytes(),
        nowMs, runId);
  }

  /**
   * A failed run fails its job, unless its worker gave it up when told to stop ({@code aborted}):
   * then the run is kept as ABANDONED with its reason and the job goes out again at once, or is
   * given up after its last attempt ({@link JobReturns}).
   */
  private void failed(RunFailed f, long nowMs) throws SQLException {
    boolean aborted = f.reason() == FailureReason.ABORTED;
    Jdbc.update(c, "UPDATE runs SET state = ?, ended_at_ms = ?, failure_reason = ?, failure_message = ?"
            + " WHERE run_id = ?",
        (aborted ? JobState.ABANDONED : JobState.FAILED).name(), f.atMs(),
        f.reason().wireName(), truncate(f.message(), 4000), f.runId());
    if (aborted) {
      returns.back(f.jobId(), "run " + f.runId() + " was aborted: " + f.message(), nowMs);
    } else {
      advanceJob(f.jobId(), JobState.FAILED, f.runId(), nowMs);
    }
  }

  /**
   * Moves the job forward, never back; the run that finished it becomes its result. Returns
   * whether it moved.
   */
  private boolean advanceJob(String jobId, JobState to, String resultRunId, long nowMs)
      throws SQLException {
    JobState current;
    try (var ps = Jdbc.prepare(c, "SELECT state FROM jobs WHERE job_id = ?", jobId);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      current = JobState.valueOf(rs.getString(1));
    }
    if (!current.isBefore(to)) {
      return false;
    }
    Jdbc.update(c, "UPDATE jobs SET state = ?, updated_at_ms = ?,"
            + " result_run_id = COALESCE(?, result_run_id) WHERE job_id = ?",
        to.name(), nowMs, resultRunId, jobId);
    return true;
  }

  /** The jobs of these ids that the catalog holds, from the cache or in chunked queries. */
  private Map<String, JobSpec> jobs(Collection<String> ids) throws SQLException {
    Map<String, JobSpec> out = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      JobSpec j = jobs.get(id);
      if (j != null) {
        out.put(id, j);
      } else if (!out.containsKey(id) && !missing.contains(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      try (var ps = Jdbc.prepare(c, "SELECT * FROM jobs WHERE job_id = ANY(?)",
          c.createArrayOf("VARCHAR", missing.toArray())); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobSpec j = Catalog.jobSpec(rs);
          jobs.put(j.jobId(), j);
          out.put(j.jobId(), j);
        }
      }
    }
    return out;
  }

  /** Sizes a command workload cannot report are 0 on the wire, unknown in the catalog. */
  private static Long positiveOrNull(long v) {
    return v > 0 ? v : null;
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("records always serialise", e);
    }
  }
}
