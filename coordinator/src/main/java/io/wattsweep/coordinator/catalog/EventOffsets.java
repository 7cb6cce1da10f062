package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The event_offsets table, read and written inside the caller's transaction. */
final class EventOffsets {
  private EventOffsets() {}

  /** The next offset of each partition of {@code topic} the catalog has ingested from. */
  static Map<Integer, Long> read(Connection c, String topic) throws SQLException {
    Map<Integer, Long> out = new HashMap<>();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT partition_id, next_offset FROM event_offsets" + " WHERE topic = ?",
                topic);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** Moves each partition's offset forward to the given one, never back. */
  static void advance(Connection c, List<EventOffset> offsets) throws SQLException {
    if (offsets.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "MERGE INTO event_offsets t USING (VALUES"
                + " (CAST(? AS VARCHAR(249)), CAST(? AS INT), CAST(? AS BIGINT)))"
                + " AS s (topic, partition_id, next_offset)"
                + " ON t.topic = s.topic AND t.partition_id = s.partition_id"
                + " WHEN MATCHED AND t.next_offset < s.next_offset THEN UPDATE"
                + " SET next_offset = s.next_offset"
                + " WHEN NOT MATCHED THEN INSERT (topic, partition_id, next_offset)"
                + " VALUES (s.topic, s.partition_id, s.next_offset)")) {
      for (EventOffset o : offsets) {
        ps.setString(1, o.topic());
        ps.setInt(2, o.partition());
        ps.setLong(3, o.next());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
