package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Moves a job forward as its runs report, never back (going back is {@link JobReturns}'). */
final class JobProgress {
  private final Connection c;

  JobProgress(Connection c) {
    this.c = c;
  }

  /**
   * Moves the job forward to {@code to} unless it is there or past it; the run that finished it
   * becomes its result. Returns whether it moved.
   */
  boolean advance(String jobId, JobState to, String resultRunId, long nowMs) throws SQLException {
    JobState current;
    try (var ps = Jdbc.prepare(c, "SELECT state FROM jobs WHERE job_id = ?", jobId);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      current = JobState.valueOf(rs.getString(1));
    }
    if (!current.isBefore(to)) {
      return false;
    }
    Jdbc.update(
        c,
        "UPDATE jobs SET state = ?, updated_at_ms = ?,"
            + " result_run_id = COALESCE(?, result_run_id) WHERE job_id = ?",
        to.name(),
        nowMs,
        resultRunId,
        jobId);
    return true;
  }
}
