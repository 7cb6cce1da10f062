package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.RunEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The ledger of the lifecycle events the catalog holds, by run and seq: events_seen. */
final class EventsSeen {
  private final Connection c;

  EventsSeen(Connection c) {
    this.c = c;
  }

  /** Records lifecycle events in the ledger and returns those it did not hold yet. */
  List<RunEvent> markSeen(List<RunEvent> events) throws SQLException {
    if (events.isEmpty()) {
      return events;
    }
    Set<RunEvent> unseen = unseen(events);
    List<RunEvent> fresh = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO events_seen (run_id, seq, type) VALUES (?, ?, ?)")) {
      for (RunEvent e : events) {
        if (unseen.contains(e)) {
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

  /**
   * The events whose (run, seq) the ledger lacks. A run's events come nearly in order, so one index
   * range scan per run finds the seqs already there.
   */
  private Set<RunEvent> unseen(List<RunEvent> events) throws SQLException {
    Map<String, long[]> ranges = new LinkedHashMap<>();
    for (RunEvent e : events) {
      ranges.merge(
          e.runId(),
          new long[] {e.seq(), e.seq()},
          (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
    }
    Map<String, Set<Long>> seen = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq FROM events_seen WHERE run_id = ? AND seq BETWEEN ? AND ?")) {
      for (var r : ranges.entrySet()) {
        ps.setString(1, r.getKey());
        ps.setLong(2, r.getValue()[0]);
        ps.setLong(3, r.getValue()[1]);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            seen.computeIfAbsent(r.getKey(), k -> new HashSet<>()).add(rs.getLong(1));
          }
        }
      }
    }
    var out = new HashSet<RunEvent>();
    for (RunEvent e : events) {
      if (!seen.getOrDefault(e.runId(), Set.of()).contains(e.seq())) {
        out.add(e);
      }
    }
    return out;
  }
}
