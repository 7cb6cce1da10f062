package io.wattsweep.coordinator.report;

import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.SweepView;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes a sweep's report into a directory: the study's figure (energy per batch against precision,
 * batch size and number of GPUs, one series per GPU class) as SVG and PNG, each panel also on its
 * own, {@value #CSV} with one row per job, and {@value #HTML}, a self-contained page with the
 * figure, the results table and the notes on methods.
 *
 * <p>Given the runs' power traces it also draws each run's power over time ({@value #POWER}).
 *
 * <p>Estimates are drawn hollow and named as such; the precision axis shows the precision that ran
 * ("bf16→fp32" where bf16 was requested and fp32 ran). Failed and unfinished jobs appear in the
 * table and the CSV, not in the figure. Runs without a confidence interval get no error bar.
 */
public final class SweepReport {
  /** The three-panel figure's base name (.svg and .png). */
  public static final String FIGURE = "energy-per-batch";

  /** Base names of the one-panel figures, in panel order. */
  public static final List<String> PANELS =
      List.of("energy-vs-precision", "energy-vs-batch-size", "energy-vs-gpus");

  /** Each run's power over time (.svg and .png), where the caller gives the traces. */
  public static final String POWER = PowerChart.NAME;

  /** How many runs the power figure draws at most ({@link #powerRunIds}). */
  public static final int POWER_RUNS = 24;

  /** How many points of each run's power trace the power figure draws. */
  public static final int POWER_POINTS = PowerChart.POINTS;

  public static final String CSV = "results.csv";
  public static final String HTML = "report.html";

  private SweepReport() {}

  /**
   * Writes the report files into {@code outDir} (created if missing; files of the same names are
   * replaced), with {@value #POWER}.svg and .png besides where {@code traces} has runs: each run's
   * power over time (by run id; {@link #POWER_POINTS} points serve), also in the HTML. Without
   * traces there is no power figure.
   *
   * @return the files written: figures (SVG then PNG, the three-panel one first), CSV, HTML
   */
  public static List<Path> write(SweepView sweep, Map<String, PowerTrace> traces, Path outDir)
      throws IOException {
    Files.createDirectories(outDir);
    Figure figure = FigureBuilder.build(sweep);
    var written = new ArrayList<Path>();
    Chart full = new Chart(figure);
    figures(full.svg(), full.png(), FIGURE, outDir, written);
    for (int i = 0; i < PANELS.size(); i++) {
      Chart panel = new Chart(figure.only(i));
      figures(panel.svg(), panel.png(), PANELS.get(i), outDir, written);
    }
    PowerChart power = powerChart(sweep, traces);
    if (power != null) {
      figures(power.svg(), power.png(), POWER, outDir, written);
    }
    written.add(writeText(outDir.resolve(CSV), Csv.results(sweep)));
    List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
    written.add(
        writeText(
            outDir.resolve(HTML),
            HtmlReport.render(
                sweep, full.inlineSvg(), power == null ? null : power.inlineSvg(), names)));
    return written;
  }

  /**
   * The runs the power figure draws, in the sweep's order: the first {@link #POWER_RUNS} jobs'
   * runs. A sweep may hold 10,000 jobs; the figure would be metres tall and its traces thousands of
   * requests, so callers fetch only these.
   */
  public static List<String> powerRunIds(SweepView sweep) {
    return sweep.jobs().stream()
        .filter(j -> j.run() != null)
        .map(j -> j.run().runId())
        .limit(POWER_RUNS)
        .toList();
  }

  /** One strip per drawn run that has a trace; null when none has. */
  private static PowerChart powerChart(SweepView sweep, Map<String, PowerTrace> traces) {
    var strips = new ArrayList<PowerChart.Strip>();
    List<String> drawn = powerRunIds(sweep);
    for (SweepView.JobView j : sweep.jobs()) {
      if (j.run() != null
          && drawn.contains(j.run().runId())
          && traces.containsKey(j.run().runId())) {
        String precision =
            PrecisionLabel.of(j.precision(), j.run().precisionRan(), j.run().precisionNote());
        strips.add(
            new PowerChart.Strip(
                j.gpuClass()
                    + " "
                    + precision
                    + " "
                    + j.batchSemantics().compact(j.batchSize())
                    + " x"
                    + j.gpus(),
                traces.get(j.run().runId())));
      }
    }
    long runs = sweep.jobs().stream().filter(j -> j.run() != null).count();
    return strips.isEmpty() ? null : new PowerChart(sweep.name(), strips, runs);
  }

  private static void figures(
      String svg, BufferedImage image, String name, Path dir, List<Path> written)
      throws IOException {
    written.add(writeText(dir.resolve(name + ".svg"), svg));
    Path png = dir.resolve(name + ".png");
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer in this Java runtime; cannot write " + png);
    }
    written.add(png);
  }

  private static Path writeText(Path file, String text) throws IOException {
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
