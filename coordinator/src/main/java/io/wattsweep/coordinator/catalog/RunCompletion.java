package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.energy.EnergyReport;
import io.wattsweep.common.energy.IdleBaseline;
import io.wattsweep.common.energy.TrainingEstimate;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's completion: its energy report from its measured batches, the job's one result (a later
 * completed run of the job is SUPERSEDED), and the model version it registers.
 */
final class RunCompletion {
  private static final Logger LOG = LoggerFactory.getLogger(RunCompletion.class);

  private final Connection c;
  private final JobProgress progress;
  private final ModelRegistration models;

  RunCompletion(Connection c, JobProgress progress) {
    this.c = c;
    this.progress = progress;
    this.models = new ModelRegistration(c);
  }

  /**
   * Stores the run's report, or, where the catalog lacks some of its measured batches, returns the
   * failure it is instead.
   */
  Optional<RunFailed> complete(RunCompleted done, JobSpec job, long nowMs) throws SQLException {
    var perBatch = new ArrayList<Double>();
    var missing = new TreeSet<Integer>();
    for (int i = 0; i < done.measuredBatches(); i++) {
      missing.add(i);
    }
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT b.batch_index, b.energy_j FROM batches b JOIN runs r ON r.run_key = b.run_key"
                    + " WHERE r.run_id = ? ORDER BY b.batch_index",
                done.runId());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        missing.remove(rs.getInt(1));
        perBatch.add(rs.getDouble(2));
      }
    }
    if (!missing.isEmpty()) {
      // A run's events come in order on one partition and none is skipped: these never come.
      LOG.warn(
          "Run {} of job {} completed without measured batches {} in the catalog; failed",
          done.runId(),
          done.jobId(),
          missing);
      return Optional.of(
          new RunFailed(
              done.jobId(),
              done.runId(),
              done.seq(),
              done.atMs(),
              FailureReason.INCOMPLETE,
              "completed with "
                  + (done.measuredBatches() - missing.size())
                  + " of its "
                  + done.measuredBatches()
                  + " measured batches in the catalog;"
                  + " missing batches "
                  + missing));
    }
    String result = completedRunOf(done.jobId(), done.runId());
    JobState state = result == null ? JobState.COMPLETED : JobState.SUPERSEDED;
    if (result != null) {
      LOG.info(
          "Run {} of job {} completed after run {} had; kept as {}",
          done.runId(),
          done.jobId(),
          result,
          state);
    }
    TrainingChoice training = TrainingChoice.of(job, workerFullTraining(done.runId()));
    EnergyReport r =
        EnergyReport.of(
            done.energyMethod(),
            done.measuredBatches(),
            perBatch.stream().mapToDouble(Double::doubleValue).toArray(),
            done.spanDurationNanos(),
            done.spanEnergyJoules(),
            done.idlePowerWatts(),
            training.training(),
            job.globalBatchSize());
    TrainingEstimate ft = r.fullTraining();
    Jdbc.update(
        c,
        "UPDATE runs SET energy_method = COALESCE(energy_method, ?), state = ?,"
            + " ended_at_ms = ?, measured_batches = ?, span_duration_ns = ?,"
            + " span_energy_j = ?, seconds_per_batch = ?, energy_per_batch_j = ?,"
            + " energy_per_batch_sd_j = ?, energy_per_batch_ci95_j = ?,"
            + " net_energy_per_batch_j = ?, full_training_batches = ?,"
            + " full_training_energy_j = ?, full_training_ci95_j = ?, full_training_seconds = ?,"
            + " full_training_note = ?, net_idle_baseline = ?, warmup_batches_run = ?,"
            + " power_settled = ? WHERE run_id = ?",
        done.energyMethod().wireName(),
        state.name(),
        done.atMs(),
        done.measuredBatches(),
        done.spanDurationNanos(),
        done.spanEnergyJoules(),
        r.secondsPerBatch(),
        r.energyPerBatchJoules(),
        Jdbc.finiteOrNull(r.perBatchJoules().stdDev()),
        Jdbc.finiteOrNull(r.perBatchJoules().ci95HalfWidth()),
        r.netEnergyPerBatchJoules(),
        ft == null ? null : ft.batches(),
        ft == null ? null : ft.energyJoules(),
        ft == null ? null : Jdbc.finiteOrNull(ft.energyCi95Joules()),
        ft == null ? null : ft.durationSeconds(),
        training.note(),
        // An older worker's net subtracted the idle taken before the job's process existed.
        (done.idleBaseline() == null ? IdleBaseline.NO_JOB : done.idleBaseline()).wireName(),
        done.warmupBatches(),
        done.powerSettled(),
        done.runId());
    if (state == JobState.COMPLETED
        && progress.advance(done.jobId(), JobState.COMPLETED, done.runId(), nowMs)) {
      models.register(done.runId(), job, done.artifact(), nowMs);
    }
    return Optional.empty();
  }

  /** The job's COMPLETED run other than {@code runId}, or null: a job has one result. */
  private String completedRunOf(String jobId, String runId) throws SQLException {
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT run_id FROM runs WHERE job_id = ? AND state = ?" + " AND run_id <> ?",
                jobId,
                JobState.COMPLETED.name(),
                runId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The full training the run's worker defined for its command workload, if it did. */
  private FullTraining workerFullTraining(String runId) throws SQLException {
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT worker_dataset_size, worker_epochs FROM runs" + " WHERE run_id = ?",
                runId);
        ResultSet rs = ps.executeQuery()) {
      Long size = rs.next() ? rs.getObject(1, Long.class) : null;
      return size == null ? null : new FullTraining(size, rs.getInt(2));
    }
  }
}
