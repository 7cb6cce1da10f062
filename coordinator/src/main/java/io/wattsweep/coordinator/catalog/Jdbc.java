package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The JDBC helpers the catalog's parts share. */
final class Jdbc {
  private Jdbc() {}

  /** A statement with {@code args} bound to its parameters in order. */
  static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  /** Runs one update with {@code args} bound to its parameters in order. */
  static void update(Connection c, String sql, Object... args) throws SQLException {
    try (var ps = prepare(c, sql, args)) {
      ps.executeUpdate();
    }
  }

  /** A figure that has no finite value (one batch has no spread) is unknown: NULL. */
  static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
