package io.wattsweep.coordinator.report;

import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import io.wattsweep.coordinator.report.Figure.Marker;
import io.wattsweep.coordinator.report.Figure.Panel;
import io.wattsweep.coordinator.report.Figure.Point;
import io.wattsweep.coordinator.report.Figure.Series;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Turns a sweep into the study's three panels.
 *
 * <p>Each panel varies one setting and holds the other two at a reference configuration: the one
 * whose three panels together show the most runs (ties: a precision that ran as requested, fewer
 * GPUs, the study's precision order, smaller batches). So every point of a series on a panel is a
 * different run, and all three panels cross at the reference run. The precision axis is the
 * precision that ran; where it is not the one requested the category reads "requested→ran", so no
 * run is shown under a precision it did not use.
 */
final class FigureBuilder {
  /** Okabe–Ito colours, safe for colour-blind readers; yellow left out (unreadable on white). */
  static final List<String> COLORS =
      List.of(
          "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B");

  private static final List<String> PRECISION_ORDER =
      Arrays.stream(Precision.values()).map(Precision::wireName).toList();

  static final String PRECISION_AXIS = "precision that ran";
  static final String BATCH_AXIS = "global batch size (samples)";
  static final String PER_GPU_BATCH_AXIS = "batch size per GPU (samples)";
  static final String GPUS_AXIS = "GPUs (data parallel; energy summed over them)";

  private FigureBuilder() {}

  /** A precision as a run used it: what was asked and what ran. */
  record PrecisionKey(String requested, String ran) implements Comparable<PrecisionKey> {
    private static final Comparator<PrecisionKey> ORDER =
        Comparator.comparingInt((PrecisionKey k) -> rank(k.ran))
            .thenComparing(PrecisionKey::ran)
            .thenComparing(k -> !k.isNative())
            .thenComparingInt(k -> rank(k.requested))
            .thenComparing(PrecisionKey::requested);

    boolean isNative() {
      return requested.equals(ran);
    }

    /** "fp32", or "bf16→fp32" when bf16 was asked for and fp32 ran. */
    String label() {
      return isNative() ? ran : requested + "→" + ran;
    }

    @Override
    public int compareTo(PrecisionKey o) {
      return ORDER.compare(this, o);
    }

    private static int rank(String precision) {
      int i = PRECISION_ORDER.indexOf(precision);
      return i < 0 ? PRECISION_ORDER.size() : i;
    }
  }

  /** A job with energy figures that can be drawn. */
  record Plotted(
      JobView job,
      int series,
      PrecisionKey precision,
      double joules,
      double ci95Joules,
      boolean estimate,
      String method) {
    int batchSize() {
      return job.batchSize();
    }

    int gpus() {
      return job.gpus();
    }
  }

  /** The settings the panels hold fixed. */
  record Reference(PrecisionKey precision, int batchSize, int gpus) {}

  static Figure build(SweepView sweep) {
    List<String> classes = sweep.jobs().stream().map(JobView::gpuClass).distinct().toList();
    var series = new ArrayList<Series>();
    Marker[] markers = Marker.values();
    for (int i = 0; i < classes.size(); i++) {
      series.add(
          new Series(classes.get(i), COLORS.get(i % COLORS.size()), markers[i % markers.length]));
    }
    List<Plotted> plotted = plottable(sweep, classes);
    Reference ref = reference(plotted);

    // A sweep's batches are all per GPU or all global: the axis and captions say which.
    boolean perGpu =
        sweep.jobs().stream().anyMatch(j -> j.batchSemantics() == BatchSemantics.PER_GPU);
    String batchAxis = perGpu ? PER_GPU_BATCH_AXIS : BATCH_AXIS;
    String perGpuWords = perGpu ? " per GPU" : "";
    var panels = new ArrayList<Panel>();
    if (ref == null) {
      String none = "no completed run with energy figures";
      panels.add(new Panel("vs precision", none, PRECISION_AXIS, List.of(), List.of(), false));
      panels.add(new Panel("vs batch size", none, batchAxis, List.of(), List.of(), true));
      panels.add(new Panel("vs number of GPUs", none, GPUS_AXIS, List.of(), List.of(), true));
    } else {
      panels.add(precisionPanel(plotted, ref, perGpuWords));
      panels.add(
          numericPanel(
              "vs batch size",
              "at " + precisionPhrase(ref.precision) + ", " + gpusPhrase(ref.gpus),
              batchAxis,
              sweep.jobs().stream().map(JobView::batchSize).toList(),
              plotted,
              p -> p.precision.equals(ref.precision) && p.gpus() == ref.gpus,
              Plotted::batchSize));
      panels.add(
          numericPanel(
              "vs number of GPUs",
              "at "
                  + precisionPhrase(ref.precision)
                  + ", batch size "
                  + ref.batchSize
                  + perGpuWords,
              GPUS_AXIS,
              sweep.jobs().stream().map(JobView::gpus).toList(),
              plotted,
              p -> p.precision.equals(ref.precision) && p.batchSize() == ref.batchSize,
              Plotted::gpus));
    }
    return new Figure(
        Objects.requireNonNullElse(sweep.name(), sweep.sweepId()),
        caption(sweep),
        series,
        panels,
        footnotes(classes, plotted, panels));
  }

  private static String caption(SweepView sweep) {
    long completed = sweep.jobs().stream().filter(j -> "COMPLETED".equals(j.state())).count();
    String model =
        sweep.jobs().isEmpty()
            ? sweep.model()
            : sweep.model() + " at scale " + Text.sig(sweep.jobs().get(0).scale(), 3);
    return "sweep "
        + sweep.sweepId()
        + " · model "
        + model
        + " · "
        + completed
        + " of "
        + sweep.jobs().size()
        + " jobs completed"
        + (sweep.finished() ? "" : " (still running)");
  }

  static List<Plotted> plottable(SweepView sweep, List<String> classes) {
    var out = new ArrayList<Plotted>();
    for (JobView j : sweep.jobs()) {
      RunView r = j.run();
      if (r == null
          || r.failureReason() != null
          || !Text.finite(r.energyPerBatchJoules())
          || r.energyPerBatchJoules() < 0
          || r.precisionRan() == null
          || j.precision() == null) {
        continue;
      }
      double ci =
          Text.finite(r.energyPerBatchCi95Joules()) && r.energyPerBatchCi95Joules() > 0
              ? r.energyPerBatchCi95Joules()
              : 0;
      out.add(
          new Plotted(
              j,
              classes.indexOf(j.gpuClass()),
              new PrecisionKey(j.precision(), r.precisionRan()),
              r.energyPerBatchJoules(),
              ci,
              r.energyIsEstimate(),
              Objects.requireNonNullElse(r.energyMethod(), "unknown")));
    }
    return out;
  }

  /** The configuration whose three panels show the most runs; null when nothing can be drawn. */
  static Reference reference(List<Plotted> plotted) {
    var candidates = new LinkedHashSet<Reference>();
    plotted.forEach(p -> candidates.add(new Reference(p.precision, p.batchSize(), p.gpus())));
    Comparator<Reference> best =
        Comparator.comparingLong((Reference c) -> -score(plotted, c))
            .thenComparing(c -> !c.precision.isNative())
            .thenComparingInt(Reference::gpus)
            .thenComparing(Reference::precision)
            .thenComparingInt(Reference::batchSize);
    return candidates.stream().min(best).orElse(null);
  }

  private static long score(List<Plotted> plotted, Reference c) {
    return plotted.stream().filter(p -> p.batchSize() == c.batchSize && p.gpus() == c.gpus).count()
        + plotted.stream()
            .filter(p -> p.precision.equals(c.precision) && p.gpus() == c.gpus)
            .count()
        + plotted.stream()
            .filter(p -> p.precision.equals(c.precision) && p.batchSize() == c.batchSize)
            .count();
  }

  private static Panel precisionPanel(List<Plotted> plotted, Reference ref, String perGpuWords) {
    List<Plotted> shown =
        plotted.stream()
            .filter(p -> p.batchSize() == ref.batchSize && p.gpus() == ref.gpus)
            .toList();
    List<PrecisionKey> keys =
        new ArrayList<>(new TreeSet<>(shown.stream().map(Plotted::precision).toList()));
    List<Point> points = points(shown, p -> keys.indexOf(p.precision));
    return new Panel(
        "vs precision",
        "at batch size " + ref.batchSize + perGpuWords + ", " + gpusPhrase(ref.gpus),
        PRECISION_AXIS,
        keys.stream().map(PrecisionKey::label).toList(),
        points,
        false);
  }

  private static Panel numericPanel(
      String title,
      String subtitle,
      String axis,
      List<Integer> sweepValues,
      List<Plotted> plotted,
      Predicate<Plotted> held,
      ToIntFunction<Plotted> x) {
    // Every value of the sweep gets a place, so a setting that failed shows as a gap.
    List<Integer> values = new ArrayList<>(new TreeSet<>(sweepValues));
    List<Plotted> shown = plotted.stream().filter(held).toList();
    List<Point> points = points(shown, p -> values.indexOf(x.applyAsInt(p)));
    return new Panel(
        title, subtitle, axis, values.stream().map(String::valueOf).toList(), points, true);
  }

  /** One point per series and category; the first job in sweep order wins a tie. */
  private static List<Point> points(List<Plotted> shown, ToIntFunction<Plotted> category) {
    Map<List<Integer>, Point> byPlace = new LinkedHashMap<>();
    for (Plotted p : shown) {
      int c = category.applyAsInt(p);
      byPlace.putIfAbsent(
          List.of(p.series, c),
          new Point(p.series, c, p.joules, p.ci95Joules, p.estimate, p.method));
    }
    return List.copyOf(byPlace.values());
  }

  private static String precisionPhrase(PrecisionKey k) {
    return k.isNative() ? k.ran : k.label() + " (requested " + k.requested + ", ran " + k.ran + ")";
  }

  private static String gpusPhrase(int gpus) {
    return gpus == 1 ? "1 GPU" : gpus + " GPUs";
  }

  private static List<String> footnotes(
      List<String> classes, List<Plotted> plotted, List<Panel> panels) {
    var notes = new ArrayList<String>();
    notes.add(
        "Each panel varies one setting and holds the others at the configuration whose"
            + " panels show the most runs; every run is in results.csv and report.html.");
    if (panels.stream().anyMatch(p -> p.points().stream().anyMatch(pt -> pt.ci95Joules() > 0))) {
      notes.add(
          "Error bars: 95% confidence interval (Student's t) of the energy per batch,"
              + " from the spread of the measured batches.");
    }
    if (plotted.stream().anyMatch(p -> !p.precision.isNative())) {
      notes.add("\"a→b\": precision a was requested and b ran (the reason is in report.html).");
    }
    var estimateMethods = new TreeSet<String>();
    panels.forEach(
        p ->
            p.points().stream()
                .filter(Point::estimate)
                .forEach(pt -> estimateMethods.add(pt.method())));
    if (!estimateMethods.isEmpty()) {
      notes.add(
          "Hollow markers: " + String.join(", ", estimateMethods) + ": modelled, not measured.");
    }
    var drawn = new TreeSet<Integer>();
    panels.forEach(p -> p.points().forEach(pt -> drawn.add(pt.series())));
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < classes.size(); i++) {
      if (!drawn.contains(i)) {
        missing.add(classes.get(i));
      }
    }
    if (!missing.isEmpty()) {
      notes.add(
          "Not drawn (no completed run at these settings): " + String.join(", ", missing) + ".");
    }
    return notes;
  }
}
