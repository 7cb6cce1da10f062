package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.RunEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Each run's integer key, the key of its samples and batches: a run's row is stored with the first
 * of its events that is new, and its key kept in a cache.
 */
final class RunKeys {
  private final Connection c;
  private final Map<String, Long> cache = new Lru<>(20_000);

  RunKeys(Connection c) {
    this.c = c;
  }

  /** After a rollback: the runs inserted in it are gone again. */
  void forgetUncommitted() {
    cache.clear();
  }

  /** The keys of the events' runs that the catalog holds, from the cache or in one query. */
  Map<String, Long> stored(List<RunEvent> events) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    var missing = new LinkedHashSet<String>();
    for (RunEvent e : events) {
      Long key = cache.get(e.runId());
      if (key != null) {
        out.put(e.runId(), key);
      } else {
        missing.add(e.runId());
      }
    }
    if (!missing.isEmpty()) {
      Map<String, Long> found = select(missing);
      cache.putAll(found);
      out.putAll(found);
    }
    return out;
  }

  /** Stores a row for each run that has none yet, and adds the new runs' keys to {@code keys}. */
  void addRuns(List<RunEvent> events, Map<String, Long> keys) throws SQLException {
    Map<String, RunEvent> firstOfRun = new LinkedHashMap<>();
    for (RunEvent e : events) {
      if (!keys.containsKey(e.runId())) {
        firstOfRun.putIfAbsent(e.runId(), e);
      }
    }
    if (firstOfRun.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO runs (run_id, job_id, state," + " started_at_ms) VALUES (?, ?, ?, ?)")) {
      for (RunEvent e : firstOfRun.values()) {
        ps.setString(1, e.runId());
        ps.setString(2, e.jobId());
        ps.setString(3, JobState.RUNNING.name());
        ps.setLong(4, e.atMs());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    Map<String, Long> added = select(firstOfRun.keySet());
    cache.putAll(added);
    keys.putAll(added);
  }

  private Map<String, Long> select(Collection<String> runIds) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT run_id, run_key FROM runs WHERE run_id = ANY(?)",
                c.createArrayOf("VARCHAR", runIds.toArray()));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }
}
