package io.wattsweep.coordinator.report;

import io.wattsweep.coordinator.report.Canvas.Anchor;
import io.wattsweep.coordinator.report.Figure.Marker;
import io.wattsweep.coordinator.report.Figure.Panel;
import io.wattsweep.coordinator.report.Figure.Point;
import io.wattsweep.coordinator.report.Figure.Series;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Lays a {@link Figure} out (heading, legend, panels side by side, footnotes) and paints it on a
 * {@link Canvas}. Each panel has its own y axis: energy per batch grows with the batch size, so a
 * shared axis would flatten the other panels. The axis starts at zero unless the panel's values
 * span more than {@value #LOG_RATIO}x (a CPU next to GPUs), where a linear axis would flatten all
 * but the largest series; then it is logarithmic and says so.
 */
final class Chart {
  /** Width of the three-panel figure, in figure units (CSS pixels). */
  static final double WIDE = 1500;

  /** Width of a one-panel figure. */
  static final double NARROW = 660;

  /** PNG pixels per figure unit: sharp on high-density screens and in slides. */
  static final int PNG_SCALE = 2;

  /** Largest-to-smallest ratio of a panel's values above which its y axis is logarithmic. */
  static final int LOG_RATIO = 10;

  private static final double OUTER = 24;
  private static final double TITLE_LINE = 26;
  private static final double CAPTION_LINE = 18;
  private static final double LEGEND_ROW = 24;
  private static final double PLOT_HEIGHT = 330;
  private static final double PANEL_GAP = 40;
  private static final double TICK_SIZE = 12;
  private static final double TICK_ANGLE = -40;
  private static final double FOOT_LINE = 17;
  private static final double MARKER_R = 5.5;
  private static final String INK = "#222222";
  private static final String MUTED = "#555555";
  private static final String GRID = "#e4e4e4";
  private static final String AXIS = "#444444";

  private final Figure fig;
  private final double width;
  private final double panelWidth;
  private final List<String> titleLines;
  private final List<String> captionLines;
  private final List<LegendItem> legend = new ArrayList<>();
  private final double panelsTop;
  private final List<TickStyle> tickStyles = new ArrayList<>();
  private final double tickBlock;
  private final List<String> footLines = new ArrayList<>();
  private final double height;

  private record LegendItem(String label, Series series, Glyph glyph, double x, double y) {}

  private enum Glyph {
    SERIES,
    ERROR_BAR,
    HOLLOW
  }

  /** How a panel's category labels fit under their ticks. */
  private enum TickStyle {
    ONE_LINE,
    TWO_LINES,
    TURNED
  }

  Chart(Figure fig) {
    this.fig = fig;
    this.width = fig.panels().size() == 1 ? NARROW : WIDE;
    int n = fig.panels().size();
    this.panelWidth = (width - 2 * OUTER - (n - 1) * PANEL_GAP) / n;
    titleLines = lines(title(), 20, true, 2);
    captionLines = lines(fig.caption(), 13, false, 2);
    double legendTop =
        12 + titleLines.size() * TITLE_LINE + captionLines.size() * CAPTION_LINE + 14;

    List<Point> drawn = fig.panels().stream().flatMap(p -> p.points().stream()).toList();
    var items = new ArrayList<LegendItem>();
    new TreeSet<>(drawn.stream().map(Point::series).toList())
        .forEach(
            i ->
                items.add(
                    new LegendItem(
                        fig.series().get(i).gpuClass(), fig.series().get(i), Glyph.SERIES, 0, 0)));
    if (drawn.stream().anyMatch(p -> p.ci95Joules() > 0)) {
      items.add(new LegendItem("95% CI", null, Glyph.ERROR_BAR, 0, 0));
    }
    var estimates =
        new TreeSet<>(drawn.stream().filter(Point::estimate).map(Point::method).toList());
    if (!estimates.isEmpty()) {
      items.add(
          new LegendItem(
              "hollow: " + String.join(", ", estimates) + " (modelled, not measured)",
              null,
              Glyph.HOLLOW,
              0,
              0));
    }
    double x = OUTER;
    double y = legendTop;
    for (LegendItem item : items) {
      double w = 26 + Canvas.textWidth(item.label, 13, false) + 24;
      if (x > OUTER && x + w > width - OUTER) {
        x = OUTER;
        y += LEGEND_ROW;
      }
      legend.add(new LegendItem(item.label, item.series, item.glyph, x, y));
      x += w;
    }
    panelsTop = (legend.isEmpty() ? legendTop : y + LEGEND_ROW) + 12;

    // Category labels: one line, else split after the arrow, else turned; all panels share the
    // deepest block so their plots line up.
    double block = 22;
    for (Panel p : fig.panels()) {
      TickStyle style = tickStyle(p);
      tickStyles.add(style);
      block =
          Math.max(
              block,
              switch (style) {
                case ONE_LINE -> 22;
                case TWO_LINES -> 36;
                case TURNED -> 14 + Math.sin(Math.toRadians(-TICK_ANGLE)) * longestLabel(p) + 10;
              });
    }
    tickBlock = block;

    for (String note : fig.footnotes()) {
      footLines.addAll(wrap(note, 12, false, width - 2 * OUTER));
    }
    height = panelsBottom() + 16 + footLines.size() * FOOT_LINE + OUTER - 6;
  }

  String title() {
    return fig.panels().size() == 1
        ? "Energy per batch " + fig.panels().get(0).title() + ": " + fig.sweepName()
        : "Energy per batch: " + fig.sweepName();
  }

  /** A standalone SVG file. */
  String svg() {
    var c = new SvgCanvas();
    paint(c);
    return c.document(width, height, title());
  }

  /** An SVG element to put inside HTML. */
  String inlineSvg() {
    var c = new SvgCanvas();
    paint(c);
    return c.inline(width, height, title());
  }

  BufferedImage png() {
    try (var c = new PngCanvas(width, height, PNG_SCALE)) {
      paint(c);
      return c.image();
    }
  }

  void paint(Canvas c) {
    double baseline = 8;
    for (String line : titleLines) {
      baseline += TITLE_LINE;
      c.text(line, OUTER, baseline, 20, true, INK, Anchor.START);
    }
    baseline += 4;
    for (String line : captionLines) {
      baseline += CAPTION_LINE;
      c.text(line, OUTER, baseline, 13, false, MUTED, Anchor.START);
    }
    for (LegendItem item : legend) {
      c.beginGroup("legend", item.label);
      double gy = item.y + 9;
      double gx = item.x + 9;
      switch (item.glyph) {
        case SERIES -> marker(c, item.series, gx, gy, false);
        case ERROR_BAR -> errorBar(c, gx, gy - 8, gy + 8, MUTED);
        case HOLLOW -> c.circle(gx, gy, MARKER_R, "#ffffff", MUTED, 2);
      }
      c.text(item.label, item.x + 26, gy + 4.5, 13, false, INK, Anchor.START);
      c.endGroup();
    }
    for (int i = 0; i < fig.panels().size(); i++) {
      Panel p = fig.panels().get(i);
      c.beginGroup("panel", p.title());
      panel(c, p, tickStyles.get(i), OUTER + i * (panelWidth + PANEL_GAP));
      c.endGroup();
    }
    double y = panelsBottom() + 16 + 12;
    for (String line : footLines) {
      c.text(line, OUTER, y, 12, false, MUTED, Anchor.START);
      y += FOOT_LINE;
    }
  }

  /** Panel top to plot top: room for the panel's title (three-panel figure) and subtitle. */
  private double plotOffset() {
    return fig.panels().size() > 1 ? 52 : 34;
  }

  private double plotBottom() {
    return panelsTop + plotOffset() + PLOT_HEIGHT;
  }

  private double panelsBottom() {
    return plotBottom() + tickBlock + 22;
  }

  private double plotLeft(double px) {
    return px + 78;
  }

  private double plotRight(double px) {
    return px + panelWidth - 8;
  }

  private TickStyle tickStyle(Panel p) {
    double spacing = (plotRight(0) - plotLeft(0)) / Math.max(1, p.categories().size());
    boolean oneLine = true;
    boolean twoLines = true;
    for (String label : p.categories()) {
      oneLine &= Canvas.textWidth(label, TICK_SIZE, false) <= spacing - 4;
      for (String part : split(label)) {
        twoLines &= Canvas.textWidth(part, TICK_SIZE, false) <= spacing - 4;
      }
    }
    return oneLine ? TickStyle.ONE_LINE : twoLines ? TickStyle.TWO_LINES : TickStyle.TURNED;
  }

  private static double longestLabel(Panel p) {
    return p.categories().stream()
        .mapToDouble(l -> Canvas.textWidth(l, TICK_SIZE, false))
        .max()
        .orElse(0);
  }

  /** "bf16→fp32" as "bf16→" and "fp32"; a label without an arrow stays whole. */
  private static List<String> split(String label) {
    int arrow = label.indexOf('→');
    return arrow > 0
        ? List.of(label.substring(0, arrow + 1), label.substring(arrow + 1))
        : List.of(label);
  }

  private void panel(Canvas c, Panel p, TickStyle tickStyle, double px) {
    boolean withTitle = fig.panels().size() > 1;
    double top = panelsTop;
    if (withTitle) {
      c.text(p.title(), px, top + 15, 15, true, INK, Anchor.START);
    }
    c.text(
        fit(p.subtitle(), 13, false, panelWidth),
        px,
        withTitle ? top + 34 : top + 18,
        13,
        false,
        MUTED,
        Anchor.START);
    double left = plotLeft(px);
    double right = plotRight(px);
    double plotTop = top + plotOffset();
    double bottom = plotBottom();

    Axis axis = Axis.of(p.points());
    for (double t : axis.ticks()) {
      double y = bottom - axis.fraction(t) * PLOT_HEIGHT;
      c.line(left, y, right, y, GRID, 1);
      c.text(axis.label(t), left - 8, y + 4, TICK_SIZE, false, INK, Anchor.END);
    }
    c.line(left, plotTop, left, bottom, AXIS, 1);
    c.line(left, bottom, right, bottom, AXIS, 1);
    c.text(
        "energy per batch (" + axis.unit() + (axis.log() ? ", log scale" : "") + ")",
        px + 16,
        (plotTop + bottom) / 2,
        13,
        false,
        INK,
        Anchor.MIDDLE,
        -90);
    c.text(
        fit(p.xLabel(), 13, false, right - left),
        (left + right) / 2,
        bottom + tickBlock + 16,
        13,
        false,
        INK,
        Anchor.MIDDLE);

    int cats = p.categories().size();
    double spacing = (right - left) / Math.max(1, cats);
    for (int k = 0; k < cats; k++) {
      double x = left + (k + 0.5) * spacing;
      c.line(x, bottom, x, bottom + 4, AXIS, 1);
      String label = p.categories().get(k);
      switch (tickStyle) {
        case ONE_LINE -> c.text(label, x, bottom + 18, TICK_SIZE, false, INK, Anchor.MIDDLE);
        case TWO_LINES -> {
          List<String> parts = split(label);
          for (int i = 0; i < parts.size(); i++) {
            c.text(parts.get(i), x, bottom + 18 + 14 * i, TICK_SIZE, false, INK, Anchor.MIDDLE);
          }
        }
        case TURNED ->
            c.text(label, x + 4, bottom + 16, TICK_SIZE, false, INK, Anchor.END, TICK_ANGLE);
      }
    }
    if (p.points().isEmpty()) {
      c.text(
          "no runs to show",
          (left + right) / 2,
          (plotTop + bottom) / 2,
          13,
          false,
          MUTED,
          Anchor.MIDDLE);
      return;
    }

    // Series side by side within a category, so their error bars do not hide each other.
    List<Integer> present =
        new ArrayList<>(new TreeSet<>(p.points().stream().map(Point::series).toList()));
    double dodge = Math.min(12, spacing * 0.5 / present.size());
    for (int s : present) {
      Series series = fig.series().get(s);
      double offset = (present.indexOf(s) - (present.size() - 1) / 2.0) * dodge;
      List<Point> pts =
          p.points().stream()
              .filter(pt -> pt.series() == s)
              .sorted(Comparator.comparingInt(Point::category))
              .toList();
      double[] xs = new double[pts.size()];
      double[] ys = new double[pts.size()];
      for (int i = 0; i < pts.size(); i++) {
        xs[i] = left + (pts.get(i).category() + 0.5) * spacing + offset;
        ys[i] = bottom - axis.fraction(pts.get(i).joules()) * PLOT_HEIGHT;
      }
      c.beginGroup("series", series.gpuClass());
      if (p.connect() && pts.size() > 1) {
        c.polyline(xs, ys, series.color(), 1.6);
      }
      for (int i = 0; i < pts.size(); i++) {
        Point pt = pts.get(i);
        if (pt.ci95Joules() > 0) {
          errorBar(
              c,
              xs[i],
              bottom - axis.fraction(pt.joules() + pt.ci95Joules()) * PLOT_HEIGHT,
              bottom - axis.fraction(pt.joules() - pt.ci95Joules()) * PLOT_HEIGHT,
              series.color());
        }
      }
      for (int i = 0; i < pts.size(); i++) {
        marker(c, series, xs[i], ys[i], pts.get(i).estimate());
      }
      c.endGroup();
    }
  }

  private static void errorBar(Canvas c, double x, double yHigh, double yLow, String color) {
    c.line(x, yHigh, x, yLow, color, 1.4);
    c.line(x - 4, yHigh, x + 4, yHigh, color, 1.4);
    c.line(x - 4, yLow, x + 4, yLow, color, 1.4);
  }

  private static void marker(Canvas c, Series s, double x, double y, boolean hollow) {
    String fill = hollow ? "#ffffff" : s.color();
    String stroke = hollow ? s.color() : "#ffffff";
    double sw = hollow ? 2 : 1;
    double r = MARKER_R;
    Marker m = s.marker();
    switch (m) {
      case CIRCLE -> c.circle(x, y, r, fill, stroke, sw);
      case SQUARE -> c.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8, fill, stroke, sw);
      case TRIANGLE ->
          c.polygon(
              new double[] {x, x + r * 1.1, x - r * 1.1},
              new double[] {y - r * 1.2, y + r * 0.8, y + r * 0.8},
              fill,
              stroke,
              sw);
      case TRIANGLE_DOWN ->
          c.polygon(
              new double[] {x, x + r * 1.1, x - r * 1.1},
              new double[] {y + r * 1.2, y - r * 0.8, y - r * 0.8},
              fill,
              stroke,
              sw);
      case DIAMOND ->
          c.polygon(
              new double[] {x, x + r * 1.1, x, x - r * 1.1},
              new double[] {y - r * 1.3, y, y + r * 1.3, y},
              fill,
              stroke,
              sw);
    }
  }

  /** Cuts {@code s} with an ellipsis where it would not fit in {@code max}. */
  static String fit(String s, double size, boolean bold, double max) {
    if (Canvas.textWidth(s, size, bold) <= max) {
      return s;
    }
    int chars = Math.max(1, (int) (max / Canvas.textWidth("x", size, bold)) - 1);
    return s.substring(0, Math.min(s.length(), chars)) + "…";
  }

  /** Wraps {@code s} to the figure's width, at most {@code most} lines, the last one cut. */
  private List<String> lines(String s, double size, boolean bold, int most) {
    double max = width - 2 * OUTER;
    List<String> all = wrap(s, size, bold, max);
    if (all.size() <= most) {
      return all;
    }
    var kept = new ArrayList<>(all.subList(0, most));
    kept.set(
        most - 1, fit(String.join(" ", all.subList(most - 1, all.size())) + " ", size, bold, max));
    return kept;
  }

  /** Breaks a sentence into lines that fit {@code max}. */
  static List<String> wrap(String s, double size, boolean bold, double max) {
    var lines = new ArrayList<String>();
    var line = new StringBuilder();
    for (String word : s.split(" ")) {
      String next = line.length() == 0 ? word : line + " " + word;
      if (line.length() > 0 && Canvas.textWidth(next, size, bold) > max) {
        lines.add(line.toString());
        line.setLength(0);
        line.append(word);
      } else {
        line.setLength(0);
        line.append(next);
      }
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  /**
   * A y axis in joules with round ticks (1, 2, 5 x 10^k), labelled in J, kJ or MJ.
   *
   * @param min the bottom: 0 for a linear axis
   */
  record Axis(boolean log, double min, double max, List<Double> ticks, double unitJoules) {
    /** Linear from zero, or logarithmic where the points span more than {@link #LOG_RATIO}x. */
    static Axis of(List<Point> points) {
      double high = 0;
      double lowest = Double.POSITIVE_INFINITY;
      double lowestEnd = Double.POSITIVE_INFINITY;
      for (Point p : points) {
        high = Math.max(high, p.joules() + p.ci95Joules());
        lowest = Math.min(lowest, p.joules());
        double end = p.joules() - p.ci95Joules();
        lowestEnd = Math.min(lowestEnd, end > 0 ? end : p.joules());
      }
      if (points.isEmpty() || lowest <= 0 || high / lowest <= LOG_RATIO) {
        return linear(high);
      }
      return logarithmic(lowestEnd / 1.02, high * 1.02);
    }

    static Axis linear(double maxJoules) {
      double top = maxJoules > 0 ? maxJoules * 1.06 : 1;
      double raw = top / 7;
      double mag = Math.pow(10, Math.floor(Math.log10(raw)));
      double f = raw / mag;
      double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
      int n = (int) Math.ceil(top / step - 1e-9);
      var ticks = new ArrayList<Double>();
      for (int i = 0; i <= n; i++) {
        ticks.add(i * step);
      }
      return new Axis(false, 0, n * step, ticks, unitFor(n * step));
    }

    static Axis logarithmic(double low, double high) {
      var all = new ArrayList<Double>();
      for (int k = (int) Math.floor(Math.log10(low)); k <= Math.ceil(Math.log10(high)); k++) {
        for (int m : new int[] {1, 2, 5}) {
          all.add(m * Math.pow(10, k));
        }
      }
      double min =
          all.stream().filter(t -> t <= low * (1 + 1e-9)).reduce((a, b) -> b).orElse(all.get(0));
      double max =
          all.stream()
              .filter(t -> t >= high * (1 - 1e-9))
              .findFirst()
              .orElse(all.get(all.size() - 1));
      List<Double> ticks = all.stream().filter(t -> t >= min && t <= max).toList();
      if (ticks.size() > 9) {
        // Three decades or more: powers of ten only, or the labels crowd.
        ticks =
            ticks.stream()
                .filter(t -> Math.abs(Math.log10(t) - Math.rint(Math.log10(t))) < 1e-9)
                .toList();
      }
      return new Axis(true, min, max, ticks, unitFor(max));
    }

    private static double unitFor(double maxJoules) {
      return maxJoules >= 1e7 ? 1e6 : maxJoules >= 1e4 ? 1e3 : 1;
    }

    String unit() {
      return unitJoules == 1e6 ? "MJ" : unitJoules == 1e3 ? "kJ" : "J";
    }

    /** Where {@code joules} sits, from 0 (bottom) to 1 (top), clamped to the axis. */
    double fraction(double joules) {
      double f =
          log
              ? (Math.log10(Math.max(joules, min)) - Math.log10(min))
                  / (Math.log10(max) - Math.log10(min))
              : joules / max;
      return Math.max(0, Math.min(1, f));
    }

    /** A tick's label, every label of a linear axis with the same decimals. */
    String label(double joules) {
      double v = joules / unitJoules;
      if (log) {
        return Text.sig(v, 3);
      }
      double step = ticks.size() > 1 ? (ticks.get(1) - ticks.get(0)) / unitJoules : 1;
      int decimals =
          Math.max(0, new BigDecimal(step).round(new MathContext(6)).stripTrailingZeros().scale());
      return Text.fixed(v, decimals);
    }
  }
}
