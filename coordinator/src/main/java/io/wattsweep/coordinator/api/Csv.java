package io.wattsweep.coordinator.api;

import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.RunRow;
import java.util.List;

/**
 * RFC 4180 CSV of runs and of power traces: a header always, so an empty selection is a file with
 * its header.
 */
final class Csv {
  private Csv() {}

  static String runs(List<RunRow> rows) {
    var out = new StringBuilder();
    line(out, RunRow.COLUMNS);
    for (RunRow r : rows) {
      line(out, r.values());
    }
    return out.toString();
  }

  /** One line a point; each says how its samples were obtained and whether that is an estimate. */
  static String power(PowerTrace trace) {
    var out = new StringBuilder();
    line(out, new Object[] {"from_ms", "to_ms", "samples", "mean_w", "min_w", "max_w", "method",
        "estimate"});
    String methods = String.join("+", trace.methods());
    for (PowerTrace.Point p : trace.points()) {
      line(out, new Object[] {p.fromMs(), p.toMs(), p.samples(), p.meanWatts(), p.minWatts(),
          p.maxWatts(), methods, trace.estimate()});
    }
    return out.toString();
  }

  private static void line(StringBuilder out, Object[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(values[i]));
    }
    out.append("\r\n");
  }

  private static String cell(Object v) {
    if (v == null) {
      return "";
    }
    String s = v instanceof Double d ? (Double.isFinite(d) ? d.toString() : "") : v.toString();
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
