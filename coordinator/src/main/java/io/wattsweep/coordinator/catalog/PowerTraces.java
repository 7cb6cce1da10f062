package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.energy.EnergyMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a run's power samples: the run's key range of {@code power_samples} (see {@link
 * SampleKeys}), whole or in time buckets. A stored row past a run's full-rate events stands for the
 * samples folded into it ({@link SampleFolds}): its count, least, most and mean are theirs.
 */
final class PowerTraces {
  /** What a row stands for: a stored sample alone, or with the left-out ones folded into it. */
  private static final String SAMPLES = "COALESCE(folded, 1)";

  private static final String MEAN = "COALESCE(mean_w, power_w)";
  private static final String MIN = "COALESCE(min_w, power_w)";
  private static final String MAX = "COALESCE(max_w, power_w)";

  private final Connection c;

  PowerTraces(Connection c) {
    this.c = c;
  }

  /** The run's trace in at most {@code maxPoints} points; empty when the run is not known. */
  Optional<PowerTrace> trace(String runId, int maxPoints) throws SQLException {
    Long runKey = null;
    try (var ps = Jdbc.prepare(c, "SELECT run_key FROM runs WHERE run_id = ?", runId);
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        runKey = rs.getLong(1);
      }
    }
    if (runKey == null) {
      return Optional.empty();
    }
    long lo = SampleKeys.of(runKey, 0);
    long hi = SampleKeys.last(runKey);
    long count;
    long first;
    long last;
    long maxSeq;
    long samples;
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT COUNT(*), MIN(at_ms), MAX(at_ms), MAX(seq),"
                    + " SUM("
                    + SAMPLES
                    + ") FROM power_samples WHERE sample_key BETWEEN ? AND ?",
                lo,
                hi);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      count = rs.getLong(1);
      first = rs.getLong(2);
      last = rs.getLong(3);
      maxSeq = rs.getLong(4);
      samples = rs.getLong(5);
    }
    var methods = new ArrayList<String>();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT DISTINCT method FROM power_samples"
                    + " WHERE sample_key BETWEEN ? AND ? ORDER BY method",
                lo,
                hi);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        methods.add(rs.getString(1));
      }
    }
    boolean estimate = methods.stream().anyMatch(m -> EnergyMethod.parse(m).isEstimate());
    long bucketMs = count <= maxPoints ? 0 : (last - first + maxPoints) / maxPoints;
    return Optional.of(
        new PowerTrace(
            runId,
            samples,
            maxSeq >= SampleDecimation.FULL_RATE_EVENTS,
            methods,
            estimate,
            bucketMs,
            points(lo, hi, first, bucketMs)));
  }

  /** Every sample as a point, or with {@code bucketMs > 0} one point per non-empty bucket. */
  private List<PowerTrace.Point> points(long lo, long hi, long first, long bucketMs)
      throws SQLException {
    var out = new ArrayList<PowerTrace.Point>();
    if (bucketMs == 0) {
      try (var ps =
              Jdbc.prepare(
                  c,
                  "SELECT at_ms, "
                      + SAMPLES
                      + ", "
                      + MEAN
                      + ", "
                      + MIN
                      + ", "
                      + MAX
                      + " FROM power_samples WHERE sample_key BETWEEN ? AND ?"
                      + " ORDER BY sample_key",
                  lo,
                  hi);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new PowerTrace.Point(
                  rs.getLong(1),
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getDouble(3),
                  rs.getDouble(4),
                  rs.getDouble(5)));
        }
      }
      return out;
    }
    // A row's mean weighs as many samples as it stands for.
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT b, MIN(at_ms), MAX(at_ms), SUM(n), SUM(m * n),"
                    + " MIN(lo), MAX(hi) FROM (SELECT (at_ms - ?) / ? AS b, at_ms, "
                    + SAMPLES
                    + " AS n, "
                    + MEAN
                    + " AS m, "
                    + MIN
                    + " AS lo, "
                    + MAX
                    + " AS hi FROM power_samples"
                    + " WHERE sample_key BETWEEN ? AND ?) s GROUP BY b ORDER BY b",
                first,
                bucketMs,
                lo,
                hi);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new PowerTrace.Point(
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getDouble(5) / rs.getLong(4),
                rs.getDouble(6),
                rs.getDouble(7)));
      }
    }
    return out;
  }
}
