package io.wattsweep.coordinator.cli;

import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.SampleDecimation;
import java.util.ArrayList;
import java.util.Locale;

/** A run's power trace as the CLI prints it: a line a bucket, then what the figures are. */
final class PowerTable {
  private PowerTable() {}

  static String format(PowerTrace trace) {
    var lines = new ArrayList<String[]>();
    lines.add(new String[] {"from", "to", "samples", "mean", "min", "max"});
    long start = trace.points().isEmpty() ? 0 : trace.points().get(0).fromMs();
    for (PowerTrace.Point p : trace.points()) {
      lines.add(
          new String[] {
            seconds(p.fromMs() - start), seconds(p.toMs() - start), Long.toString(p.samples()),
            watts(p.meanWatts()), watts(p.minWatts()), watts(p.maxWatts())
          });
    }
    var out =
        new StringBuilder("Power of run ")
            .append(trace.runId())
            .append(": ")
            .append(trace.samples())
            .append(" samples");
    if (trace.bucketMs() > 0) {
      out.append(String.format(Locale.ROOT, " in buckets of %.1f s", trace.bucketMs() / 1e3));
    }
    out.append('\n').append(ResultTable.format(lines));
    if (trace.samples() == 0) {
      out.append("(no power samples stored for this run)\n");
      return out.toString();
    }
    out.append("method: ")
        .append(String.join(", ", trace.methods()))
        .append(trace.estimate() ? " (estimate: not a measurement)" : "")
        .append('\n');
    if (trace.decimated()) {
      out.append(
          String.format(
              Locale.ROOT,
              "past the run's first %,d events one sample in %d"
                  + " is stored, with the count, least, most and mean of those it stands for%n",
              SampleDecimation.FULL_RATE_EVENTS,
              SampleDecimation.STRIDE));
    }
    out.append(
        "Times are seconds from the first sample. A run's energy figures are its meter's,"
            + " over each batch; they are not taken from these samples.\n");
    return out.toString();
  }

  private static String seconds(long ms) {
    return String.format(Locale.ROOT, "%.1f s", ms / 1e3);
  }

  private static String watts(double w) {
    return String.format(Locale.ROOT, "%.1f W", w);
  }
}
