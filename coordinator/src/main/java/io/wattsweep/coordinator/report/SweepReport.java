package io.wattsweep.coordinator.report;

import io.wattsweep.coordinator.catalog.SweepView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes a sweep's report into a directory: the study's figure (energy per batch against
 * precision, batch size and number of GPUs, one series per GPU class) as SVG and PNG, each panel
 * also on its own, {@value #CSV} with one row per job, and {@value #HTML}, a self-contained page
 * with the figure, the results table and the notes on methods.
 *
 * <p>Estimates are drawn hollow and named as such; the precision axis shows the precision that
 * ran ("bf16→fp32" where bf16 was requested and fp32 ran). Failed and unfinished jobs appear in
 * the table and the CSV, not in the figure. Runs without a confidence interval get no error bar.
 */
public final class SweepReport {
  /** The three-panel figure's base name (.svg and .png). */
  public static final String FIGURE = "energy-per-batch";
  /** Base names of the one-panel figures, in panel order. */
  public static final List<String> PANELS = List.of(
      "energy-vs-precision", "energy-vs-batch-size", "energy-vs-gpus");
  public static final String CSV = "results.csv";
  public static final String HTML = "report.html";

  private SweepReport() {}

  /**
   * Writes the report files into {@code outDir} (created if missing; files of the same names are
   * replaced).
   *
   * @return the files written: figures (SVG then PNG, the three-panel one first), CSV, HTML
   */
  public static List<Path> write(SweepView sweep, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Figure figure = FigureBuilder.build(sweep);
    var written = new ArrayList<Path>();
    Chart full = new Chart(figure);
    figures(full, FIGURE, outDir, written);
    for (int i = 0; i < PANELS.size(); i++) {
      figures(new Chart(figure.only(i)), PANELS.get(i), outDir, written);
    }
    written.add(writeText(outDir.resolve(CSV), ResultsCsv.render(sweep)));
    List<String> names = written.stream().map(p -> p.getFileName().toString()).toList();
    written.add(writeText(outDir.resolve(HTML),
        HtmlReport.render(sweep, full.inlineSvg(), names)));
    return written;
  }

  private static void figures(Chart chart, String name, Path dir, List<Path> written)
      throws IOException {
    written.add(writeText(dir.resolve(name + ".svg"), chart.svg()));
    Path png = dir.resolve(name + ".png");
    if (!ImageIO.write(chart.png(), "png", png.toFile())) {
      throw new IOException("no PNG writer in this Java runtime; cannot write " + png);
    }
    written.add(png);
  }

  private static Path writeText(Path file, String text) throws IOException {
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
