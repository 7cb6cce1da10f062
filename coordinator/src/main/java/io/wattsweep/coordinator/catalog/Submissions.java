package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.SweepSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Sweeps as submitted, and their jobs on their way to Kafka: stored, published, or not yet. */
final class Submissions {

  private final Connection c;

  Submissions(Connection c) {
    this.c = c;
  }

  /** Stores a sweep and its jobs as QUEUED; {@code submittedBy} may be null. */
  void insertSweep(
      String sweepId,
      SweepSpec spec,
      String specJson,
      List<JobSpec> jobs,
      long nowMs,
      String submittedBy)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "INSERT INTO sweeps (sweep_id, name, model, spec_json,"
                + " submitted_at_ms, submitted_by, metadata_json) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
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
        c.prepareStatement(
            "INSERT INTO jobs (job_id, sweep_id, ordinal, model, scale,"
                + " gpu_class, precision_name, batch_size, gpus, warmup_batches, measured_batches,"
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
  }

  /** Records that Kafka acknowledged the jobs' records, unless it had before. */
  void markPublished(List<String> jobIds, long nowMs) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "UPDATE jobs SET published_at_ms = ? WHERE job_id = ?"
                + " AND published_at_ms IS NULL")) {
      for (String id : jobIds) {
        ps.setLong(1, nowMs);
        ps.setString(2, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Queued jobs not yet published, stored before {@code queuedBeforeMs} or queued again. */
  List<JobSpec> unpublishedJobs(long queuedBeforeMs) throws SQLException {
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT * FROM jobs WHERE published_at_ms IS NULL"
                    + " AND state = 'QUEUED' AND (updated_at_ms < ? OR attempts > 0)"
                    + " ORDER BY sweep_id, ordinal",
                queuedBeforeMs);
        ResultSet rs = ps.executeQuery()) {
      var out = new ArrayList<JobSpec>();
      while (rs.next()) {
        out.add(JobRows.read(rs));
      }
      return out;
    }
  }

  /** The sweep's metadata as a JSON object, or null where it has none. */
  private static String metadataJson(SweepSpec spec) {
    if (spec.metadata().isEmpty()) {
      return null;
    }
    return Json.toJson(spec.metadata());
  }
}
