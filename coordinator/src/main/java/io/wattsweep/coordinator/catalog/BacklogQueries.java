package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The queued and running jobs per GPU class and GPU count. */
final class BacklogQueries {
  private final Connection c;

  BacklogQueries(Connection c) {
    this.c = c;
  }

  /** Every class and count with a queued or running job, by class then count. */
  List<Backlog> backlog() throws SQLException {
    var out = new ArrayList<Backlog>();
    try (var ps =
            c.prepareStatement(
                "SELECT gpu_class, gpus,"
                    + " SUM(CASE WHEN state = 'QUEUED' THEN 1 ELSE 0 END),"
                    + " SUM(CASE WHEN state = 'RUNNING' THEN 1 ELSE 0 END)"
                    + " FROM jobs WHERE state IN ('QUEUED', 'RUNNING')"
                    + " GROUP BY gpu_class, gpus ORDER BY gpu_class, gpus");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Backlog(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
      }
    }
    return out;
  }
}
