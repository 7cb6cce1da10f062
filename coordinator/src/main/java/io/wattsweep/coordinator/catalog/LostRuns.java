package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the coordinator judges lost, for silence or because their worker stopped beating: they
 * become ABANDONED and their jobs go back ({@link JobReturns}).
 */
final class LostRuns {
  private final Connection c;
  private final JobReturns returns;

  LostRuns(Connection c, JobReturns returns) {
    this.c = c;
    this.returns = returns;
  }

  /**
   * Abandons the RUNNING runs silent since {@code silentSinceMs}, less the staleness their
   * last-event time may have ({@link RunActivity#TOUCH_EVERY_MS}), but for those of {@code
   * liveJobs}. Returns the ids of the jobs queued again.
   */
  List<String> abandonSilent(long silentSinceMs, long nowMs, Set<String> liveJobs)
      throws SQLException {
    var runs = new ArrayList<String[]>();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT run_id, job_id FROM runs WHERE state = ?"
                    + " AND COALESCE(last_event_at_ms, started_at_ms) < ?",
                JobState.RUNNING.name(),
                silentSinceMs - RunActivity.TOUCH_EVERY_MS);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (!liveJobs.contains(rs.getString(2))) {
          runs.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    var requeued = new ArrayList<String>();
    for (String[] r : runs) {
      abandon(
          r[0], "no event since " + silentSinceMs + " (epoch ms); the job was queued again", nowMs);
      if (returns.back(r[1], "run " + r[0] + " fell silent", nowMs)
          == JobReturns.Outcome.REQUEUED) {
        requeued.add(r[1]);
      }
    }
    return requeued;
  }

  /**
   * Returns the job that the worker's last beat, at {@code lastBeatMs}, claimed, if the claim is
   * still the job's latest: the job runs only on that worker, or is queued from a publication older
   * than the claim (the worker died between taking the job and starting its run). Returns whether
   * it was queued again.
   */
  boolean returnClaim(String jobId, String workerId, long lastBeatMs, long nowMs)
      throws SQLException {
    String state;
    Long publishedAt;
    try (var ps =
            Jdbc.prepare(c, "SELECT state, published_at_ms FROM jobs WHERE job_id = ?", jobId);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return false;
      }
      state = rs.getString(1);
      long p = rs.getLong(2);
      publishedAt = rs.wasNull() ? null : p;
    }
    var mine = new ArrayList<String>();
    boolean others = false;
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT run_id, worker_id FROM runs WHERE job_id = ?" + " AND state = ?",
                jobId,
                JobState.RUNNING.name());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (workerId.equals(rs.getString(2))) {
          mine.add(rs.getString(1));
        } else {
          others = true;
        }
      }
    }
    boolean claimedThisPublication =
        JobState.QUEUED.name().equals(state) && publishedAt != null && publishedAt <= lastBeatMs;
    boolean runsOnlyThere = JobState.RUNNING.name().equals(state) && !others;
    if (!claimedThisPublication && !runsOnlyThere) {
      return false;
    }
    String why =
        "worker " + workerId + " stopped beating (last beat at " + lastBeatMs + " epoch ms)";
    for (String runId : mine) {
      abandon(runId, why + "; the job was queued again", nowMs);
    }
    return returns.back(jobId, why, nowMs) == JobReturns.Outcome.REQUEUED;
  }

  private void abandon(String runId, String message, long nowMs) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE runs SET state = ?, ended_at_ms = ?, failure_message = ?" + " WHERE run_id = ?",
        JobState.ABANDONED.name(),
        nowMs,
        message,
        runId);
  }
}
