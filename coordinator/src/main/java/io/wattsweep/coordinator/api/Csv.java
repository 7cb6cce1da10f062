package io.wattsweep.coordinator.api;

import io.wattsweep.coordinator.catalog.RunRow;
import java.util.List;

/** RFC 4180 CSV of runs: a header always, so an empty selection is a file with its header. */
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
