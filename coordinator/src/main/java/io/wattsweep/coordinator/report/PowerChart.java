package io.wattsweep.coordinator.report;

import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.report.Canvas.Anchor;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Each run's power over time, one strip per run, from the catalog's power trace: the mean of each
 * time bucket's samples as a line and the least to the most as a band, so a spike that a mean would
 * hide still shows. Strips from an estimate are grey and say so. Power samples are for charts: a
 * run's energy figures are its meter's over each batch.
 */
final class PowerChart {
  /** The base name of the files (.svg and .png). */
  static final String NAME = "power";

  /** How many points a strip asks the catalog for. */
  static final int POINTS = 300;

  private static final double WIDTH = 1000;
  private static final double OUTER = 24;
  private static final double LEFT = 84;
  private static final double STRIP = 110;
  private static final double STRIP_TOP = 34;
  private static final double STRIP_BOTTOM = 34;
  private static final double HEADER = 92;
  private static final double TICK_SIZE = 12;
  private static final String INK = "#222222";
  private static final String MUTED = "#555555";
  private static final String GRID = "#e4e4e4";
  private static final String AXIS = "#444444";
  private static final String[] MEASURED = {"#1f77b4", "#c6dbef"};
  private static final String[] ESTIMATED = {"#666666", "#dddddd"};

  /** One run's strip: what ran (e.g. "cpu fp32 b4 x1") and its trace. */
  record Strip(String label, PowerTrace trace) {}

  private final String sweepName;
  private final List<Strip> strips;
  private final long runs;

  /**
   * @param runs the sweep's runs, of which the strips are the first
   */
  PowerChart(String sweepName, List<Strip> strips, long runs) {
    this.sweepName = sweepName;
    this.strips = List.copyOf(strips);
    this.runs = runs;
  }

  double height() {
    return HEADER + strips.size() * (STRIP_TOP + STRIP + STRIP_BOTTOM) + OUTER;
  }

  private String title() {
    return strips.size() < runs
        ? String.format(
            Locale.ROOT,
            "Power during the first %d of %,d runs: %s",
            strips.size(),
            runs,
            sweepName)
        : "Power during each run: " + sweepName;
  }

  String svg() {
    var c = new SvgCanvas();
    paint(c);
    return c.document(WIDTH, height(), title());
  }

  String inlineSvg() {
    var c = new SvgCanvas();
    paint(c);
    return c.inline(WIDTH, height(), title());
  }

  BufferedImage png() {
    try (var c = new PngCanvas(WIDTH, height(), Chart.PNG_SCALE)) {
      paint(c);
      return c.image();
    }
  }

  void paint(Canvas c) {
    c.text(title(), OUTER, OUTER + 10, 20, true, INK, Anchor.START);
    c.text(
        "Line: the mean of each time bucket's samples; band: their least to their most."
            + " Grey: an estimate, not a measurement.",
        OUTER,
        OUTER + 36,
        13,
        false,
        MUTED,
        Anchor.START);
    c.text(
        "Samples are for charts: a run's energy figures are its meter's over each batch, not"
            + " sums of these.",
        OUTER,
        OUTER + 54,
        13,
        false,
        MUTED,
        Anchor.START);
    for (int i = 0; i < strips.size(); i++) {
      strip(c, strips.get(i), HEADER + i * (STRIP_TOP + STRIP + STRIP_BOTTOM));
    }
  }

  private void strip(Canvas c, Strip s, double top) {
    PowerTrace t = s.trace();
    String[] colours = t.estimate() ? ESTIMATED : MEASURED;
    c.beginGroup("run", t.runId());
    c.text(s.label() + " · " + describe(t), OUTER, top + 18, 13, true, INK, Anchor.START);
    double plotTop = top + STRIP_TOP;
    double bottom = plotTop + STRIP;
    double left = LEFT;
    double right = WIDTH - OUTER;
    if (t.points().isEmpty()) {
      c.text(
          "no power samples stored for this run",
          left,
          plotTop + STRIP / 2,
          13,
          false,
          MUTED,
          Anchor.START);
      c.endGroup();
      return;
    }
    double maxW = t.points().stream().mapToDouble(PowerTrace.Point::maxWatts).max().orElse(0);
    Chart.Axis y = Chart.Axis.linear(maxW);
    for (double tick : y.ticks()) {
      double py = bottom - y.fraction(tick) * STRIP;
      c.line(left, py, right, py, GRID, 1);
      c.text(y.label(tick) + " " + watts(y), left - 8, py + 4, TICK_SIZE, false, INK, Anchor.END);
    }
    long first = t.points().get(0).fromMs();
    long last = t.points().get(t.points().size() - 1).toMs();
    TimeUnit unit = TimeUnit.of((last - first) / 1e3);
    Chart.Axis x = Chart.Axis.linear((last - first) / 1e3 / unit.seconds);
    double xMax = x.ticks().get(x.ticks().size() - 1);
    for (double tick : x.ticks()) {
      double px = left + tick / xMax * (right - left);
      c.line(px, bottom, px, bottom + 5, AXIS, 1);
      c.text(
          x.label(tick) + " " + unit.symbol, px, bottom + 20, TICK_SIZE, false, INK, Anchor.MIDDLE);
    }
    c.line(left, bottom, right, bottom, AXIS, 1);
    int n = t.points().size();
    double[] xs = new double[n];
    double[] mean = new double[n];
    double[] bandXs = new double[2 * n];
    double[] bandYs = new double[2 * n];
    for (int i = 0; i < n; i++) {
      PowerTrace.Point p = t.points().get(i);
      double seconds = ((p.fromMs() + p.toMs()) / 2.0 - first) / 1e3 / unit.seconds;
      xs[i] = left + Math.min(1, seconds / xMax) * (right - left);
      mean[i] = bottom - y.fraction(p.meanWatts()) * STRIP;
      bandXs[i] = xs[i];
      bandYs[i] = bottom - y.fraction(p.maxWatts()) * STRIP;
      bandXs[2 * n - 1 - i] = xs[i];
      bandYs[2 * n - 1 - i] = bottom - y.fraction(p.minWatts()) * STRIP;
    }
    c.polygon(bandXs, bandYs, colours[1], null, 0);
    if (n == 1) {
      c.circle(xs[0], mean[0], 3, colours[0], null, 0);
    } else {
      c.polyline(xs, mean, colours[0], 1.5);
    }
    c.endGroup();
  }

  /** "11 samples in buckets of 2.5 s · tdp-estimate (estimate)", and the decimation. */
  static String describe(PowerTrace t) {
    String s = String.format(Locale.ROOT, "%,d samples", t.samples());
    if (t.bucketMs() > 0) {
      s += " in buckets of " + Text.duration(t.bucketMs() / 1e3);
    }
    if (!t.methods().isEmpty()) {
      s += " · " + String.join(", ", t.methods()) + (t.estimate() ? " (estimate)" : "");
    }
    return s + (t.decimated() ? " · past 6,000 events one stored sample stands for 10" : "");
  }

  private static String watts(Chart.Axis axis) {
    return axis.unit().equals("MJ") ? "MW" : axis.unit().equals("kJ") ? "kW" : "W";
  }

  /** The x axis's unit: seconds, minutes or hours, so that its labels stay short. */
  private enum TimeUnit {
    SECONDS(1, "s"),
    MINUTES(60, "min"),
    HOURS(3600, "h");

    final double seconds;
    final String symbol;

    TimeUnit(double seconds, String symbol) {
      this.seconds = seconds;
      this.symbol = symbol;
    }

    static TimeUnit of(double spanSeconds) {
      return spanSeconds <= 600 ? SECONDS : spanSeconds <= 600 * 60 ? MINUTES : HOURS;
    }
  }
}
