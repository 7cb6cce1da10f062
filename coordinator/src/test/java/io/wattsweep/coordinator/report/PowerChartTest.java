package io.wattsweep.coordinator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.SweepView;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The report's power figure: one strip per run with a trace, its band and its mean line. */
class PowerChartTest {
  private static final String MEASURED_JOB = ReportFixtures.jobId("a100", "fp32", 8, 1);
  private static final String ESTIMATED_JOB = ReportFixtures.jobId("v100", "fp32", 16, 1);

  /** 60 s of 200-W samples in 30 buckets of 2 s, with one bucket reaching 900 W. */
  private static PowerTrace measured() {
    var points = new ArrayList<PowerTrace.Point>();
    for (int i = 0; i < 30; i++) {
      long from = 10_000 + 2_000L * i;
      points.add(new PowerTrace.Point(from, from + 1_900, 20, 200, 190, i == 12 ? 900 : 210));
    }
    return new PowerTrace(
        "r-" + MEASURED_JOB, 600, false, List.of("nvml-energy-counter"), false, 2_000, points);
  }

  private static PowerTrace estimated() {
    return new PowerTrace(
        "r-" + ESTIMATED_JOB,
        1,
        false,
        List.of("tdp-estimate"),
        true,
        0,
        List.of(new PowerTrace.Point(5_000, 5_000, 1, 40, 40, 40)));
  }

  @Test
  void eachTracedRunHasAStripWithItsBandAndMeanAndAnEstimateSaysSo(@TempDir Path dir)
      throws Exception {
    SweepView sweep = ReportFixtures.studySweep();
    List<Path> files =
        SweepReport.write(
            sweep, Map.of("r-" + MEASURED_JOB, measured(), "r-" + ESTIMATED_JOB, estimated()), dir);

    assertTrue(
        files.contains(dir.resolve("power.svg")) && files.contains(dir.resolve("power.png")),
        files.toString());
    Document svg = ReportFilesTest.parseXml(dir.resolve("power.svg"));
    List<Element> strips = ReportFilesTest.groups(svg, "run");
    assertEquals(
        List.of("r-" + MEASURED_JOB, "r-" + ESTIMATED_JOB),
        strips.stream().map(s -> s.getAttribute("data-name")).toList(),
        "in the sweep's order");

    Element measured = strips.get(0);
    assertEquals(1, count(measured, "polygon"), "the least-to-most band");
    assertEquals(1, count(measured, "polyline"), "the mean line");
    String text = measured.getTextContent();
    assertTrue(
        text.contains("a100 fp32 b8 x1 · 600 samples in buckets of 2 s" + " · nvml-energy-counter"),
        text);
    assertFalse(text.contains("estimate"), text);
    assertTrue(text.contains("1000 W"), "the axis reaches the spike: " + text);
    assertTrue(text.contains("60 s"), "the x axis spans the minute: " + text);

    Element estimate = strips.get(1);
    assertTrue(
        estimate.getTextContent().contains("tdp-estimate (estimate)"), estimate.getTextContent());
    assertEquals(1, count(estimate, "circle"), "a single point is drawn as a dot");
    assertTrue(svg.getDocumentElement().getTextContent().contains("Samples are for charts"));

    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("<h2>Power during each run</h2>"), "no power section");
    String energySection =
        html.substring(
            html.indexOf("<h2>Energy per batch</h2>"),
            html.indexOf("<h2>Power during each run</h2>"));
    assertFalse(energySection.contains("power.svg"), "the energy figure's files only");
    assertTrue(html.contains("href=\"power.png\""));

    BufferedImage png = ImageIO.read(dir.resolve("power.png").toFile());
    assertNotNull(png);
    assertEquals(
        Math.ceil(
            Double.parseDouble(svg.getDocumentElement().getAttribute("width")) * Chart.PNG_SCALE),
        png.getWidth());
  }

  @Test
  void aLargeSweepDrawsItsFirstRunsAndSaysHowManyItHas(@TempDir Path dir) throws Exception {
    var jobs = new ArrayList<SweepView.JobView>();
    for (int batch = 1; batch <= 30; batch++) {
      jobs.add(ReportFixtures.job("a100", "fp32", batch, 1));
    }
    SweepView sweep = ReportFixtures.sweep("s-big", "big", jobs, true);
    var traces = new java.util.HashMap<String, PowerTrace>();
    for (SweepView.JobView j : jobs) {
      traces.put(
          j.run().runId(),
          new PowerTrace(
              j.run().runId(),
              1,
              false,
              List.of("nvml-energy-counter"),
              false,
              0,
              List.of(new PowerTrace.Point(0, 0, 1, 100, 100, 100))));
    }

    List<String> drawn = SweepReport.powerRunIds(sweep);
    SweepReport.write(sweep, traces, dir);

    assertEquals(
        jobs.subList(0, SweepReport.POWER_RUNS).stream().map(j -> j.run().runId()).toList(), drawn);
    Document svg = ReportFilesTest.parseXml(dir.resolve("power.svg"));
    assertEquals(
        drawn,
        ReportFilesTest.groups(svg, "run").stream().map(g -> g.getAttribute("data-name")).toList());
    assertTrue(
        svg.getDocumentElement()
            .getTextContent()
            .contains("Power during the first 24 of 30 runs: big"));
  }

  @Test
  void aLongRunsDescriptionSaysItWasDecimated() {
    var t =
        new PowerTrace(
            "r",
            40_000,
            true,
            List.of("rapl"),
            false,
            12_000,
            List.of(new PowerTrace.Point(0, 3_600_000, 40_000, 50, 20, 80)));

    assertEquals(
        "40,000 samples in buckets of 12 s · rapl · past 6,000 events one stored sample"
            + " stands for 10",
        PowerChart.describe(t));
  }

  private static int count(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
    return nodes.getLength();
  }
}
