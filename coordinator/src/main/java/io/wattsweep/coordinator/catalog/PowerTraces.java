package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.energy.EnergyMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a run's power samples: the run's key range of {@code power_samples} (see
 * {@link EventApplier#sampleKey}), whole or in time buckets.
 */
final class PowerTraces {
  private final Connection c;

  PowerTraces(Connection c) {
    this.c = c;
  }

  /** The run's trace in at most {@code maxPoints} points; empty when the run is not known. */
  Optional<PowerTrace> trace(String runId, int maxPoints) throws SQLException {
    Long runKey = null;
    try (var ps = Catalog.prepare(c, "SELECT run_key FROM runs WHERE run_id = ?", runId);
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        runKey = rs.getLong(1);
      }
    }
    if (runKey == null) {
      return Optional.empty();
    }
    long lo = EventApplier.sampleKey(runKey, 0);
    long hi = EventApplier.sampleKey(runKey, 0xFFFF_FFFFL);
    long count;
    long first;
    long last;
    long maxSeq;
    try (var ps = Catalog.prepare(c, "SELECT COUNT(*), MIN(at_ms), MAX(at_ms), MAX(seq)"
        + " FROM power_samples WHERE sample_key BETWEEN ? AND ?", lo, hi);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      count = rs.getLong(1);
      first = rs.getLong(2);
      last = rs.getLong(3);
      maxSeq = rs.getLong(4);
    }
    var methods = new ArrayList<String>();
    try (var ps = Catalog.prepare(c, "SELECT DISTINCT method FROM power_samples"
        + " WHERE sample_key BETWEEN ? AND ? ORDER BY method", lo, hi);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        methods.add(rs.getString(1));
      }
    }
    boolean estimate = methods.stream().anyMatch(m -> EnergyMethod.parse(m).isEstimate());
    long bucketMs = count <= maxPoints ? 0 : (last - first + maxPoints) / maxPoints;
    return Optional.of(new PowerTrace(runId, count,
        maxSeq >= SampleDecimation.FULL_RATE_EVENTS, methods, estimate, bucketMs,
        points(lo, hi, first, bucketMs)));
  }

  /** Every sample as a point, or with {@code bucketMs > 0} one point per non-empty bucket. */
  private List<PowerTrace.Point> points(long lo, long hi, long first, long bucketMs)
      throws SQLException {
    var out = new ArrayList<PowerTrace.Point>();
    if (bucketMs == 0) {
      try (var ps = Catalog.prepare(c, "SELECT at_ms, power_w FROM power_samples"
          + " WHERE sample_key BETWEEN ? AND ? ORDER BY sample_key", lo, hi);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          double w = rs.getDouble(2);
          out.add(new PowerTrace.Point(rs.getLong(1), rs.getLong(1), 1, w, w, w));
        }
      }
      return out;
    }
    try (var ps = Catalog.prepare(c, "SELECT b, MIN(at_ms), MAX(at_ms), COUNT(*), AVG(power_w),"
        + " MIN(power_w), MAX(power_w) FROM (SELECT (at_ms - ?) / ? AS b, at_ms, power_w"
        + " FROM power_samples WHERE sample_key BETWEEN ? AND ?) s GROUP BY b ORDER BY b",
        first, bucketMs, lo, hi); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new PowerTrace.Point(rs.getLong(2), rs.getLong(3), rs.getLong(4),
            rs.getDouble(5), rs.getDouble(6), rs.getDouble(7)));
      }
    }
    return out;
  }
}
