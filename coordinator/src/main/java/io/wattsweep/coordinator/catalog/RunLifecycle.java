package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.JobSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's lifecycle events (started, completed, failed) on its row and its job's state, applied
 * after its samples and batches so that its completion sees all of its batches.
 */
final class RunLifecycle {

  private final Connection c;
  private final JobProgress progress;
  private final JobReturns returns;
  private final RunCompletion completion;

  RunLifecycle(Connection c, JobProgress progress, JobReturns returns) {
    this.c = c;
    this.progress = progress;
    this.returns = returns;
    this.completion = new RunCompletion(c, progress);
  }

  /** Applies the lifecycle events among {@code events}, in order; {@code jobs} holds theirs. */
  void apply(List<RunEvent> events, Map<String, JobSpec> jobs, long nowMs) throws SQLException {
    for (RunEvent e : events) {
      if (e instanceof RunStarted s) {
        started(s, nowMs);
      } else if (e instanceof RunCompleted done) {
        Optional<RunFailed> incomplete = completion.complete(done, jobs.get(done.jobId()), nowMs);
        if (incomplete.isPresent()) {
          failed(incomplete.get(), nowMs);
        }
      } else if (e instanceof RunFailed f) {
        failed(f, nowMs);
      }
    }
  }

  private void started(RunStarted s, long nowMs) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE runs SET worker_id = ?, host = ?, started_at_ms = ?,"
            + " precision_requested = ?, precision_ran = ?, precision_note = ?,"
            + " devices_json = ?, energy_method = ?, idle_power_w = ?, generator_params = ?,"
            + " discriminator_params = ?, flops_per_step = ?, framework = ?, architecture = ?,"
            + " source_revision = ?, ready_idle_power_w = ? WHERE run_id = ?",
        s.workerId(),
        s.host(),
        s.atMs(),
        s.precisionRequested().wireName(),
        s.precisionRan().wireName(),
        s.precisionNote(),
        Json.toJson(s.devices()),
        s.energyMethod().wireName(),
        s.idlePowerWatts(),
        positiveOrNull(s.generatorParameters()),
        positiveOrNull(s.discriminatorParameters()),
        positiveOrNull(s.flopsPerStep()),
        s.framework(),
        truncate(s.architecture(), 16_000),
        truncate(s.sourceRevision(), 100),
        s.readyIdlePowerWatts(),
        s.runId());
    if (s.workerFullTraining() != null) {
      Jdbc.update(
          c,
          "UPDATE runs SET worker_dataset_size = ?, worker_epochs = ?" + " WHERE run_id = ?",
          s.workerFullTraining().datasetSize(),
          s.workerFullTraining().epochs(),
          s.runId());
    }
    for (DeviceInfo d : s.devices()) {
      Jdbc.update(
          c,
          "MERGE INTO devices t USING (VALUES (CAST(? AS VARCHAR(100)))) AS s (uuid)"
              + " ON t.uuid = s.uuid WHEN NOT MATCHED THEN INSERT (uuid, kind, name,"
              + " architecture, power_limit_w, driver, first_seen_at_ms)"
              + " VALUES (s.uuid, ?, ?, ?, ?, ?, ?)",
          d.uuid(),
          d.kind(),
          d.name(),
          d.architecture(),
          d.powerLimitWatts(),
          d.driver(),
          nowMs);
      Jdbc.update(
          c,
          "MERGE INTO run_devices t USING (VALUES (CAST(? AS VARCHAR(120)),"
              + " CAST(? AS VARCHAR(100)))) AS s (run_id, uuid)"
              + " ON t.run_id = s.run_id AND t.device_uuid = s.uuid"
              + " WHEN NOT MATCHED THEN INSERT (run_id, device_uuid, device_index)"
              + " VALUES (s.run_id, s.uuid, ?)",
          s.runId(),
          d.uuid(),
          d.index());
    }
    progress.advance(s.jobId(), JobState.RUNNING, null, nowMs);
  }

  /**
   * A failed run fails its job, unless its worker gave it up when told to stop ({@code aborted}):
   * then the run is kept as ABANDONED with its reason and the job goes out again at once, or is
   * given up after its last attempt ({@link JobReturns}).
   */
  private void failed(RunFailed f, long nowMs) throws SQLException {
    boolean aborted = f.reason() == FailureReason.ABORTED;
    Jdbc.update(
        c,
        "UPDATE runs SET state = ?, ended_at_ms = ?, failure_reason = ?,"
            + " failure_message = ? WHERE run_id = ?",
        (aborted ? JobState.ABANDONED : JobState.FAILED).name(),
        f.atMs(),
        f.reason().wireName(),
        truncate(f.message(), 4000),
        f.runId());
    if (aborted) {
      returns.back(f.jobId(), "run " + f.runId() + " was aborted: " + f.message(), nowMs);
    } else {
      progress.advance(f.jobId(), JobState.FAILED, f.runId(), nowMs);
    }
  }

  /** Sizes a command workload cannot report are 0 on the wire, unknown in the catalog. */
  private static Long positiveOrNull(long v) {
    return v > 0 ? v : null;
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
