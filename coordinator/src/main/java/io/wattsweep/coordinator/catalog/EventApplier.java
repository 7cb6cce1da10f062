package io.wattsweep.coordinator.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattsweep.common.energy.EnergyReport;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.JobSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one run event into the catalog, idempotently, inside the caller's transaction. */
final class EventApplier {
  private static final Logger LOG = LoggerFactory.getLogger(EventApplier.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection c;

  EventApplier(Connection c) {
    this.c = c;
  }

  /** Returns false, and changes nothing, for an event already applied or of an unknown job. */
  boolean apply(RunEvent e, long nowMs) throws SQLException {
    try (var ps = Catalog.prepare(c, "SELECT 1 FROM events_seen WHERE run_id = ? AND seq = ?",
        e.runId(), e.seq()); ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        return false;
      }
    }
    JobSpec job = job(e.jobId());
    if (job == null) {
      LOG.warn("Event {} of run {} names job {}, which this catalog does not hold; skipped",
          e.seq(), e.runId(), e.jobId());
      return false;
    }
    update("INSERT INTO events_seen (run_id, seq, type) VALUES (?, ?, ?)",
        e.runId(), e.seq(), e.getClass().getSimpleName());
    ensureRun(e, nowMs);
    if (e instanceof RunStarted s) {
      started(s, nowMs);
    } else if (e instanceof PowerSample p) {
      update("INSERT INTO power_samples (run_id, seq, at_ms, power_w, method)"
              + " VALUES (?, ?, ?, ?, ?)",
          p.runId(), p.seq(), p.atMs(), p.powerWatts(), p.method().wireName());
    } else if (e instanceof BatchMeasured b) {
      update("INSERT INTO batches (run_id, batch_index, at_ms, duration_ns, energy_j,"
              + " resolution_j, d_loss, g_loss) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          b.runId(), b.batchIndex(), b.atMs(), b.durationNanos(), b.energyJoules(),
          b.energyResolutionJoules(), finiteOrNull(b.discriminatorLoss()),
          finiteOrNull(b.generatorLoss()));
    } else if (e instanceof RunCompleted done) {
      completed(done, job, nowMs);
    } else if (e instanceof RunFailed f) {
      failed(f, nowMs);
    }
    return true;
  }

  private void started(RunStarted s, long nowMs) throws SQLException {
    update("UPDATE runs SET worker_id = ?, host = ?, started_at_ms = ?, precision_requested = ?,"
            + " precision_ran = ?, precision_note = ?, devices_json = ?, energy_method = ?,"
            + " idle_power_w = ?, generator_params = ?, discriminator_params = ?,"
            + " flops_per_step = ?, framework = ? WHERE run_id = ?",
        s.workerId(), s.host(), s.atMs(), s.precisionRequested().wireName(),
        s.precisionRan().wireName(), s.precisionNote(), json(s.devices()),
        s.energyMethod().wireName(), s.idlePowerWatts(), s.generatorParameters(),
        s.discriminatorParameters(), s.flopsPerStep(), s.framework(), s.runId());
    advanceJob(s.jobId(), JobState.RUNNING, null, nowMs);
  }

  private void completed(RunCompleted done, JobSpec job, long nowMs) throws SQLException {
    var perBatch = new ArrayList<Double>();
    try (var ps = Catalog.prepare(c,
        "SELECT energy_j FROM batches WHERE run_id = ? ORDER BY batch_index", done.runId());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        perBatch.add(rs.getDouble(1));
      }
    }
    if (perBatch.isEmpty()) {
      // The span's energy still stands; without per-batch windows there is no spread.
      perBatch.add(done.spanEnergyJoules() / done.measuredBatches());
    }
    EnergyReport r = EnergyReport.of(done.energyMethod(), done.measuredBatches(),
        perBatch.stream().mapToDouble(Double::doubleValue).toArray(), done.spanDurationNanos(),
        done.spanEnergyJoules(), done.idlePowerWatts(), job.fullTraining(), job.batchSize());
    update("UPDATE runs SET state = ?, ended_at_ms = ?, measured_batches = ?, span_duration_ns = ?,"
            + " span_energy_j = ?, seconds_per_batch = ?, energy_per_batch_j = ?,"
            + " energy_per_batch_sd_j = ?, energy_per_batch_ci95_j = ?,"
            + " net_energy_per_batch_j = ?, full_training_batches = ?,"
            + " full_training_energy_j = ?, full_training_ci95_j = ?, full_training_seconds = ?"
            + " WHERE run_id = ?",
        JobState.COMPLETED.name(), done.atMs(), done.measuredBatches(), done.spanDurationNanos(),
        done.spanEnergyJoules(), r.secondsPerBatch(), r.energyPerBatchJoules(),
        finiteOrNull(r.perBatchJoules().stdDev()), finiteOrNull(r.perBatchJoules().ci95HalfWidth()),
        r.netEnergyPerBatchJoules(), r.fullTraining().batches(), r.fullTraining().energyJoules(),
        finiteOrNull(r.fullTraining().energyCi95Joules()), r.fullTraining().durationSeconds(),
        done.runId());
    advanceJob(done.jobId(), JobState.COMPLETED, done.runId(), nowMs);
  }

  private void failed(RunFailed f, long nowMs) throws SQLException {
    update("UPDATE runs SET state = ?, ended_at_ms = ?, failure_reason = ?, failure_message = ?"
            + " WHERE run_id = ?",
        JobState.FAILED.name(), f.atMs(), f.reason().wireName(), truncate(f.message(), 4000),
        f.runId());
    advanceJob(f.jobId(), JobState.FAILED, f.runId(), nowMs);
  }

  private void ensureRun(RunEvent e, long nowMs) throws SQLException {
    try (var ps = Catalog.prepare(c, "SELECT 1 FROM runs WHERE run_id = ?", e.runId());
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        return;
      }
    }
    update("INSERT INTO runs (run_id, job_id, state, started_at_ms) VALUES (?, ?, ?, ?)",
        e.runId(), e.jobId(), JobState.RUNNING.name(), e.atMs());
  }

  /** Moves the job forward, never back; the run that finished it becomes its result. */
  private void advanceJob(String jobId, JobState to, String resultRunId, long nowMs)
      throws SQLException {
    JobState current;
    try (var ps = Catalog.prepare(c, "SELECT state FROM jobs WHERE job_id = ?", jobId);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      current = JobState.valueOf(rs.getString(1));
    }
    if (current.isBefore(to)) {
      update("UPDATE jobs SET state = ?, updated_at_ms = ?,"
              + " result_run_id = COALESCE(?, result_run_id) WHERE job_id = ?",
          to.name(), nowMs, resultRunId, jobId);
    }
  }

  private JobSpec job(String jobId) throws SQLException {
    try (var ps = Catalog.prepare(c, "SELECT * FROM jobs WHERE job_id = ?", jobId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Catalog.jobSpec(rs) : null;
    }
  }

  private void update(String sql, Object... args) throws SQLException {
    try (var ps = Catalog.prepare(c, sql, args)) {
      ps.executeUpdate();
    }
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("records always serialise", e);
    }
  }
}
