package io.wattsweep.coordinator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.coordinator.catalog.SweepView;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What a user finds in the report directory. */
class ReportFilesTest {
  /** The study sweep's report, written once: rendering PNGs takes a while on a small machine. */
  @TempDir static Path dir;

  private static List<Path> files;

  @BeforeAll
  static void writeStudyReport() throws Exception {
    files = SweepReport.write(ReportFixtures.studySweep(), Map.of(), dir);
  }

  @Test
  void writesFiguresCsvAndHtml() throws Exception {

    var names = new TreeSet<String>();
    for (Path f : files) {
      assertTrue(Files.size(f) > 0, f + " is empty");
      assertEquals(dir, f.getParent());
      names.add(f.getFileName().toString());
    }
    assertEquals(
        Set.of(
            "energy-per-batch.svg", "energy-per-batch.png",
            "energy-vs-precision.svg", "energy-vs-precision.png",
            "energy-vs-batch-size.svg", "energy-vs-batch-size.png",
            "energy-vs-gpus.svg", "energy-vs-gpus.png",
            "results.csv", "report.html"),
        names);
  }

  @Test
  void csvHasOneRowPerJobWithItsNumbers() throws Exception {
    List<Map<String, String>> rows = readCsv(dir.resolve("results.csv"));

    assertEquals(16, rows.size());
    Map<String, String> ok = row(rows, ReportFixtures.jobId("a100", "fp32", 8, 1));
    assertEquals("s-study", ok.get("sweep_id"));
    assertEquals("a100", ok.get("gpu_class"));
    assertEquals("COMPLETED", ok.get("state"));
    assertEquals(20.0, Double.parseDouble(ok.get("energy_per_batch_j")), 1e-12);
    assertEquals(0.8, Double.parseDouble(ok.get("energy_per_batch_ci95_j")), 1e-12);
    assertEquals(1.0, Double.parseDouble(ok.get("energy_per_batch_sd_j")), 1e-12);
    assertEquals(16.0, Double.parseDouble(ok.get("net_energy_per_batch_j")), 1e-12);
    assertEquals("nvml-energy-counter", ok.get("energy_method"));
    assertEquals("false", ok.get("energy_is_estimate"));
    long batches = 25_000L * 30;
    assertEquals(String.valueOf(batches), ok.get("full_training_batches"));
    assertEquals(20.0 * batches, Double.parseDouble(ok.get("full_training_energy_j")), 1e-6);
    assertEquals(20.0 * batches / 1e6, Double.parseDouble(ok.get("full_training_energy_mj")), 1e-9);
    assertEquals(
        20.0 * batches / 3.6e6, Double.parseDouble(ok.get("full_training_energy_kwh")), 1e-9);
    assertEquals(
        20.0 / 250 * batches, Double.parseDouble(ok.get("full_training_duration_s")), 1e-6);

    Map<String, String> ranOther = row(rows, ReportFixtures.jobId("v100", "bf16", 8, 1));
    assertEquals("bf16", ranOther.get("precision_requested"));
    assertEquals("fp32", ranOther.get("precision_ran"));

    Map<String, String> estimate = row(rows, ReportFixtures.jobId("v100", "fp32", 16, 1));
    assertEquals("tdp-estimate", estimate.get("energy_method"));
    assertEquals("true", estimate.get("energy_is_estimate"));

    Map<String, String> noCi = row(rows, ReportFixtures.jobId("a100", "bf16", 8, 2));
    assertEquals("", noCi.get("energy_per_batch_ci95_j"));

    Map<String, String> failed = row(rows, ReportFixtures.jobId("a100", "fp32", 16, 2));
    assertEquals("FAILED", failed.get("state"));
    assertEquals("out-of-memory", failed.get("failure_reason"));
    assertEquals(
        "OOM when allocating tensor, shape [16, 64, 51, 51, 25]", failed.get("failure_message"));
    assertEquals("", failed.get("energy_per_batch_j"));
    assertEquals("", failed.get("full_training_energy_j"));

    String text = Files.readString(dir.resolve("results.csv"));
    assertFalse(
        text.contains("NaN") || text.contains("null") || text.contains("E-") || text.contains("E+"),
        text);
  }

  @Test
  void emptySweepGivesHeaderOnlyCsvAndEmptyPanels(@TempDir Path emptyDir) throws Exception {
    SweepView empty = ReportFixtures.sweep("s-empty", "nothing yet", List.of(), false);
    SweepReport.write(empty, Map.of(), emptyDir);

    List<String> lines = Files.readAllLines(emptyDir.resolve("results.csv"));
    assertEquals(List.of(String.join(",", Csv.RESULTS_HEADER)), lines);
    Document svg = parseXml(emptyDir.resolve("energy-per-batch.svg"));
    assertEquals(3, groups(svg, "panel").size());
    assertEquals(0, groups(svg, "series").size());
    assertTrue(Files.readString(emptyDir.resolve("report.html")).contains("still running"));
  }

  @Test
  void svgIsWellFormedWithOneSeriesPerGpuClassAndTheEstimateNote() throws Exception {
    Document svg = parseXml(dir.resolve("energy-per-batch.svg"));
    Element root = svg.getDocumentElement();
    assertEquals("svg", root.getLocalName());
    assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());

    List<Element> panels = groups(svg, "panel");
    assertEquals(
        List.of("vs precision", "vs batch size", "vs number of GPUs"),
        panels.stream().map(p -> p.getAttribute("data-name")).toList());
    for (Element panel : panels) {
      List<String> series = new ArrayList<>();
      NodeList gs = panel.getElementsByTagNameNS("*", "g");
      for (int i = 0; i < gs.getLength(); i++) {
        series.add(((Element) gs.item(i)).getAttribute("data-name"));
      }
      assertEquals(List.of("a100", "v100"), series, panel.getAttribute("data-name"));
    }
    assertEquals(
        List.of("a100", "v100", "95% CI", "hollow: tdp-estimate (modelled, not measured)"),
        groups(svg, "legend").stream().map(g -> g.getAttribute("data-name")).toList());
    String text = root.getTextContent();
    assertTrue(text.contains("tdp-estimate: modelled, not measured"), text);
    assertTrue(text.contains("bf16→fp32"), text);
    assertTrue(text.contains("energy per batch (J)"), text);
    assertFalse(text.contains("NaN"), text);
    for (String panel : SweepReport.PANELS) {
      assertEquals(1, groups(parseXml(dir.resolve(panel + ".svg")), "panel").size());
    }
  }

  @Test
  void pngDecodesAtTwiceTheSvgSize() throws Exception {
    for (String name : List.of("energy-per-batch", "energy-vs-precision")) {
      Element svg = parseXml(dir.resolve(name + ".svg")).getDocumentElement();
      BufferedImage png = ImageIO.read(dir.resolve(name + ".png").toFile());
      assertNotNull(png, name);
      double w = Double.parseDouble(svg.getAttribute("width"));
      double h = Double.parseDouble(svg.getAttribute("height"));
      assertEquals(Math.ceil(w * Chart.PNG_SCALE), png.getWidth(), name);
      assertEquals(Math.ceil(h * Chart.PNG_SCALE), png.getHeight(), name);
    }
    BufferedImage wide = ImageIO.read(dir.resolve("energy-per-batch.png").toFile());
    assertEquals(3000, wide.getWidth());
    assertTrue(wide.getHeight() > 1000 && wide.getHeight() < 1400, "" + wide.getHeight());
  }

  @Test
  void htmlIsSelfContainedAndInlinesTheFigure() throws Exception {
    String html = Files.readString(dir.resolve("report.html"));

    assertFalse(html.contains("http://") || html.contains("https://"), "a remote reference");
    assertFalse(html.contains("<img") || html.contains("<script") || html.contains("<link"));
    assertTrue(html.contains("<svg "), "figure not inlined");
    assertTrue(html.contains("data-name=\"vs batch size\""));
    assertTrue(html.contains("3dgan study") && html.contains("s-study"));
    assertTrue(html.contains("bf16 → ran fp32"));
    assertTrue(html.contains("out-of-memory: OOM when allocating tensor"));
    assertTrue(html.contains("NOT a measurement"));
    assertTrue(html.contains("extrapolation"));
    assertTrue(html.contains("href=\"results.csv\""));
    assertFalse(html.contains("NaN") || html.contains("null"));
    // The inlined SVG must be well-formed, too: take it out and parse it.
    String svg = html.substring(html.indexOf("<svg "), html.indexOf("</svg>") + 6);
    var f = DocumentBuilderFactory.newInstance();
    f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  static Document parseXml(Path file) throws Exception {
    var f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(file.toFile());
  }

  static List<Element> groups(Document svg, String kind) {
    var out = new ArrayList<Element>();
    NodeList gs = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < gs.getLength(); i++) {
      Element g = (Element) gs.item(i);
      if (kind.equals(g.getAttribute("class"))) {
        out.add(g);
      }
    }
    return out;
  }

  private static Map<String, String> row(List<Map<String, String>> rows, String jobId) {
    return rows.stream().filter(r -> r.get("job_id").equals(jobId)).findFirst().orElseThrow();
  }

  /** A small RFC 4180 reader: quoted cells may hold commas, quotes and line breaks. */
  static List<Map<String, String>> readCsv(Path file) throws Exception {
    String text = Files.readString(file);
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    var cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\n') {
        record.add(cell.toString());
        cell.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else if (c != '\r') {
        cell.append(c);
      }
    }
    List<String> header = records.get(0);
    var rows = new ArrayList<Map<String, String>>();
    for (List<String> r : records.subList(1, records.size())) {
      assertEquals(header.size(), r.size(), "cells in " + r);
      var m = new HashMap<String, String>();
      for (int i = 0; i < header.size(); i++) {
        m.put(header.get(i), r.get(i));
      }
      rows.add(m);
    }
    return rows;
  }
}
