package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where a job goes when its run comes back unfinished (the worker gave it up when told to stop, or
 * the run was lost): out again at once, unless it has come back as often as the limit allows, in
 * which case it is given up as FAILED with the reason "gave up after N attempts". A worker
 * acknowledges a job's record when it takes the job, so this is the only way a job goes out again.
 */
final class JobReturns {
  /** The attempts a job gets by default (WATTSWEEP_MAX_ATTEMPTS). */
  static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** What became of a job that came back. */
  enum Outcome {
    /** Queued again, to be published at once. */
    REQUEUED,
    /** Failed: it came back as often as the limit allows. */
    GAVE_UP,
    /** Nothing: another run finished it, or it had not gone out. */
    UNCHANGED
  }

  private final Connection c;
  private volatile int maxAttempts = DEFAULT_MAX_ATTEMPTS;

  JobReturns(Connection c) {
    this.c = c;
  }

  void maxAttempts(int attempts) {
    maxAttempts = attempts;
  }

  /** The job came back unfinished, for the reason {@code why}. */
  Outcome back(String jobId, String why, long nowMs) throws SQLException {
    int attempts;
    try (var ps =
        Jdbc.prepare(
            c,
            "UPDATE jobs SET attempts = attempts + 1, updated_at_ms = ?"
                + " WHERE job_id = ? AND state IN (?, ?)",
            nowMs,
            jobId,
            JobState.QUEUED.name(),
            JobState.RUNNING.name())) {
      if (ps.executeUpdate() == 0) {
        return Outcome.UNCHANGED;
      }
    }
    try (var ps = Jdbc.prepare(c, "SELECT attempts FROM jobs WHERE job_id = ?", jobId);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      attempts = rs.getInt(1);
    }
    if (attempts >= maxAttempts) {
      String message = "gave up after " + attempts + " attempts; the last: " + why;
      try (var ps =
          Jdbc.prepare(
              c,
              "UPDATE jobs SET state = ?, gave_up_message = ?" + " WHERE job_id = ?",
              JobState.FAILED.name(),
              message.length() > 1000 ? message.substring(0, 1000) : message,
              jobId)) {
        ps.executeUpdate();
      }
      return Outcome.GAVE_UP;
    }
    try (var ps =
        Jdbc.prepare(
            c,
            "UPDATE jobs SET state = ?, published_at_ms = NULL" + " WHERE job_id = ?",
            JobState.QUEUED.name(),
            jobId)) {
      ps.executeUpdate();
    }
    return Outcome.REQUEUED;
  }
}
