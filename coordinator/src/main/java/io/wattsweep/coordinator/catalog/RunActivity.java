package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.RunEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the catalog last heard from each run (the runs' last_event_at_ms, to within {@link
 * #TOUCH_EVERY_MS}); a run judged lost that is heard from again runs again.
 */
final class RunActivity {
  private static final Logger LOG = LoggerFactory.getLogger(RunActivity.class);

  /**
   * How stale a run's last_event_at_ms may be. A cluster's thousands of live runs each rewrote
   * their wide row every second; the abandon check allows for the staleness.
   */
  static final long TOUCH_EVERY_MS = 10_000;

  private final Connection c;
  private final JobProgress progress;

  /** When each run's last_event_at_ms was last written (the catalog's clock). */
  private final Map<String, Long> touched = new Lru<>(20_000);

  RunActivity(Connection c, JobProgress progress) {
    this.c = c;
    this.progress = progress;
  }

  /** After a rollback: the times written in it are gone again. */
  void forgetUncommitted() {
    touched.clear();
  }

  /**
   * Records when the catalog last heard from each run of the events, to within {@link
   * #TOUCH_EVERY_MS}: rewriting a run's wide row for every batch of its events was a tenth of the
   * cost of ingesting them, and at 5,000 runs once a second still a third.
   */
  void touch(List<RunEvent> events, long nowMs) throws SQLException {
    var runs =
        events.stream()
            .map(RunEvent::runId)
            .distinct()
            .filter(
                run -> {
                  Long last = touched.get(run);
                  return last == null || nowMs - last >= TOUCH_EVERY_MS || nowMs < last;
                })
            .toList();
    if (runs.isEmpty()) {
      return;
    }
    Jdbc.update(
        c,
        "UPDATE runs SET last_event_at_ms = ? WHERE run_id = ANY(?)",
        nowMs,
        c.createArrayOf("VARCHAR", runs.toArray()));
    runs.forEach(run -> touched.put(run, nowMs));
    revive(runs, nowMs);
  }

  /**
   * Runs the coordinator judged lost (ABANDONED for silence, not aborted by their worker) that are
   * heard from again are RUNNING again, and so is their job if it was only queued: they may still
   * give the job its result, and if another run gives it first they end SUPERSEDED. An abandoned
   * run was silent for longer than {@link #TOUCH_EVERY_MS}, so its next event always comes through
   * here.
   */
  private void revive(List<String> runs, long nowMs) throws SQLException {
    var lost = new ArrayList<String[]>();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT run_id, job_id FROM runs WHERE run_id = ANY(?)"
                    + " AND state = ? AND failure_reason IS NULL",
                c.createArrayOf("VARCHAR", runs.toArray()),
                JobState.ABANDONED.name());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        lost.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] run : lost) {
      LOG.warn(
          "Run {} of job {} was judged lost but is heard from again; running again",
          run[0],
          run[1]);
      Jdbc.update(
          c,
          "UPDATE runs SET state = ?, ended_at_ms = NULL, failure_message = NULL"
              + " WHERE run_id = ?",
          JobState.RUNNING.name(),
          run[0]);
      progress.advance(run[1], JobState.RUNNING, null, nowMs);
    }
  }
}
