package io.wattsweep.coordinator.report;

import static io.wattsweep.coordinator.report.Text.escape;

import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.catalog.SweepView.Extrapolation;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * report.html: one self-contained page (inline CSS and SVG, nothing fetched) with the sweep, its
 * figure, every job's results and the notes a reader needs to trust or doubt them.
 */
final class HtmlReport {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private static final String STYLE =
      """
      body{font-family:"DejaVu Sans",Verdana,Arial,Helvetica,sans-serif;color:#222;margin:24px;
        max-width:1560px;line-height:1.4}
      h1{font-size:1.6em;margin:0 0 .2em}
      h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid #ddd;padding-bottom:.2em}
      .meta{color:#555;margin:0}
      .warn{background:#fff4e0;border-left:4px solid #e69f00;padding:.5em .8em}
      figure{margin:0}
      figcaption{color:#555;font-size:.9em}
      table{border-collapse:collapse;font-size:.9em}
      th,td{border-bottom:1px solid #e4e4e4;padding:4px 10px;text-align:left;vertical-align:top}
      th{background:#f4f4f4}
      td.n{text-align:right;white-space:nowrap}
      tr.failed td{color:#a00}
      tr.estimate td{background:#fbf7ea}
      .tag{font-size:.8em;border:1px solid #b08000;color:#805d00;border-radius:3px;
        padding:0 4px;margin-left:4px;white-space:nowrap}
      code{font-size:.95em}
      """;

  private HtmlReport() {}

  /**
   * @param inlinePower the power figure's SVG element, or null where there is none
   * @param files the files written beside it
   */
  static String render(
      SweepView sweep, String inlineFigure, String inlinePower, List<String> files) {
    var h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>wattsweep report: ")
        .append(escape(sweep.name()))
        .append("</title>\n")
        .append("<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Energy to train: ").append(escape(sweep.name())).append("</h1>\n");
    h.append("<p class=\"meta\">Sweep <code>")
        .append(escape(sweep.sweepId()))
        .append("</code> · model <b>")
        .append(escape(sweep.model()))
        .append("</b>");
    if (!sweep.jobs().isEmpty()) {
      h.append(" at scale ").append(Text.sig(sweep.jobs().get(0).scale(), 3));
    }
    h.append(" · submitted ")
        .append(WHEN.format(Instant.ofEpochMilli(sweep.submittedAtMs())))
        .append(" · ")
        .append(sweep.jobs().size())
        .append(" jobs: ")
        .append(escape(counts(sweep.jobCounts())))
        .append("</p>\n");
    if (!sweep.finished()) {
      h.append(
          "<p class=\"warn\">This sweep was still running when this report was written:"
              + " it shows the runs finished so far.</p>\n");
    }
    h.append("<h2>Energy per batch</h2>\n<figure>\n")
        .append(inlineFigure)
        .append("<figcaption>The same figure as files: ")
        .append(links(files, f -> !f.startsWith(SweepReport.POWER + ".")))
        .append(".</figcaption>\n</figure>\n");
    if (inlinePower != null) {
      h.append("<h2>Power during each run</h2>\n<figure>\n")
          .append(inlinePower)
          .append("<figcaption>The same figure as files: ")
          .append(links(files, f -> f.startsWith(SweepReport.POWER + ".")))
          .append(
              ". Each run's full trace: <code>wattsweep power RUN_ID</code> or"
                  + " <code>GET /api/v1/runs/{id}/power</code>.</figcaption>\n</figure>\n");
    }
    table(h, sweep);
    notes(h, sweep);
    h.append("<h2>Files</h2>\n<p>Every number above, one row per job: <a href=\"")
        .append(SweepReport.CSV)
        .append("\">")
        .append(SweepReport.CSV)
        .append("</a>.</p>\n");
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  /** Links to the figure files that {@code keep} accepts. */
  private static String links(List<String> files, java.util.function.Predicate<String> keep) {
    return files.stream()
        .filter(f -> f.endsWith(".svg") || f.endsWith(".png"))
        .filter(keep)
        .map(f -> "<a href=\"" + escape(f) + "\">" + escape(f) + "</a>")
        .collect(Collectors.joining(", "));
  }

  private static String counts(Map<String, Integer> counts) {
    if (counts == null) {
      return "";
    }
    return counts.entrySet().stream()
        .filter(e -> e.getValue() != null && e.getValue() > 0)
        .map(e -> e.getValue() + " " + e.getKey().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  private static void table(StringBuilder h, SweepView sweep) {
    h.append("<h2>Results</h2>\n");
    if (sweep.jobs().isEmpty()) {
      h.append("<p>This sweep has no jobs.</p>\n");
      return;
    }
    h.append(
        "<table>\n<thead><tr><th>GPU class</th><th>precision</th>"
            + "<th>batch</th><th>GPUs</th><th>state</th><th>time / batch</th>"
            + "<th>energy / batch<br>± 95% CI</th><th>net of idle</th><th>method</th>"
            + "<th>full training<br>(extrapolated) ± 95% CI</th><th>kWh</th>"
            + "<th>training time</th></tr></thead>\n<tbody>\n");
    for (JobView j : sweep.jobs()) {
      RunView r = j.run();
      boolean failed = r != null && r.failureReason() != null || "FAILED".equals(j.state());
      boolean estimate = r != null && r.energyIsEstimate() && !failed;
      h.append("<tr")
          .append(failed ? " class=\"failed\"" : estimate ? " class=\"estimate\"" : "")
          .append("><td>")
          .append(escape(j.gpuClass()))
          .append("</td><td>")
          .append(escape(precision(j)))
          .append("</td><td>")
          .append(escape(j.batch()))
          .append("</td><td class=\"n\">")
          .append(j.gpus())
          .append("</td><td>")
          .append(escape(j.state() == null ? "" : j.state().toLowerCase(Locale.ROOT)))
          .append("</td>");
      if (r == null) {
        h.append("<td colspan=\"7\"></td></tr>\n");
        continue;
      }
      if (failed) {
        String why = r.failureReason() == null ? "" : r.failureReason();
        if (r.failureMessage() != null && !r.failureMessage().isEmpty()) {
          why += (why.isEmpty() ? "" : ": ") + r.failureMessage();
        }
        h.append("<td colspan=\"7\">").append(escape(why)).append("</td></tr>\n");
        continue;
      }
      h.append("<td class=\"n\">")
          .append(Text.finite(r.secondsPerBatch()) ? Text.duration(r.secondsPerBatch()) : "")
          .append("</td>")
          .append("<td class=\"n\">")
          .append(energy(r))
          .append("</td>")
          .append("<td class=\"n\">")
          .append(
              Text.finite(r.netEnergyPerBatchJoules())
                  ? Text.sig(r.netEnergyPerBatchJoules(), 4) + " J"
                  : "")
          .append(protocol(r))
          .append("</td>")
          .append("<td>")
          .append(escape(r.energyMethod()))
          .append(estimate ? "<span class=\"tag\">estimate</span>" : "")
          .append("</td>");
      Extrapolation ft = r.fullTraining();
      if (ft == null || !Double.isFinite(ft.energyJoules())) {
        h.append("<td></td><td></td><td></td></tr>\n");
        continue;
      }
      h.append("<td class=\"n\">").append(Text.sig(ft.energyJoules() / 1e6, 4));
      if (ft.energyCi95Joules() != null && ft.energyCi95Joules() > 0) {
        h.append(" ± ").append(Text.sig(ft.energyCi95Joules() / 1e6, 2));
      }
      h.append(" MJ<br><small>")
          .append(ft.batches())
          .append(" batches</small></td>")
          .append("<td class=\"n\">")
          .append(Double.isFinite(ft.energyKwh()) ? Text.sig(ft.energyKwh(), 4) : "")
          .append("</td>")
          .append("<td class=\"n\">")
          .append(Double.isFinite(ft.durationSeconds()) ? Text.duration(ft.durationSeconds()) : "")
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  /** "fp32", "bf16 emulated", or "bf16 → ran fp32" where another precision ran. */
  static String precision(JobView j) {
    RunView r = j.run();
    return r == null
        ? j.precision()
        : PrecisionLabel.of(j.precision(), r.precisionRan(), r.precisionNote());
  }

  private static String energy(RunView r) {
    if (!Text.finite(r.energyPerBatchJoules())) {
      return "";
    }
    String s = Text.sig(r.energyPerBatchJoules(), 4);
    if (Text.finite(r.energyPerBatchCi95Joules()) && r.energyPerBatchCi95Joules() > 0) {
      s += " ± " + Text.sig(r.energyPerBatchCi95Joules(), 2);
    }
    return s + " J";
  }

  private static void notes(StringBuilder h, SweepView sweep) {
    h.append("<h2>Notes on methods</h2>\n<ul>\n");
    var methods = new TreeSet<String>();
    boolean anyEstimate = false;
    for (JobView j : sweep.jobs()) {
      if (j.run() != null && j.run().energyMethod() != null) {
        methods.add(j.run().energyMethod());
        anyEstimate |= j.run().energyIsEstimate();
      }
    }
    for (String m : methods) {
      h.append("<li><code>")
          .append(escape(m))
          .append("</code>: ")
          .append(escape(Text.methodDescription(m)))
          .append("</li>\n");
    }
    if (anyEstimate) {
      h.append(
          "<li><b>Estimates are not measurements.</b> Rows tagged <i>estimate</i> and"
              + " hollow markers in the figure are modelled figures; compare them with measured"
              + " ones only as a rough guide.</li>\n");
    }
    h.append(
        "<li><b>Energy per batch</b> is the energy of the measured span divided by its"
            + " batches, summed over the job's GPUs, after the warm-up batches. The interval is the"
            + " 95% confidence interval (Student's t) of the per-batch energies. <b>Net of idle</b>"
            + " subtracts the idle power of the job's devices with its process and session ready"
            + " (<i>job-ready</i>), or, where that cannot be measured (a command workload), before"
            + " its process (<i>no-job</i>). Warm-up runs until power settles (the last 3 batches"
            + " within 2% of the 3 before) or its cap; <i>not settled</i> says the cap came"
            + " first.</li>\n");
    h.append(
        "<li><b>Full training is an extrapolation</b>, not a measurement: energy per batch"
            + " × batches per epoch × epochs, with the interval scaled alike; 1 kWh = 3.6 MJ. Time"
            + " to train is extrapolated the same way from the time per batch.</li>\n");
    h.append(
        "<li><b>Reading the figure:</b> each panel varies one setting and holds the other"
            + " two at the configuration whose panels show the most runs (named under each panel"
            + " title); the x axis of the precision panel is the precision that ran. Failed and"
            + " unfinished jobs have no point; they are in the table.</li>\n");
    sweep.jobs().stream()
        .filter(
            j ->
                j.run() != null
                    && j.run().precisionNote() != null
                    && !j.run().precisionNote().isEmpty())
        .collect(
            Collectors.groupingBy(
                j -> j.run().precisionNote(),
                LinkedHashMap::new,
                Collectors.mapping(
                    j -> j.gpuClass() + " " + precision(j), Collectors.toCollection(TreeSet::new))))
        .forEach(
            (note, where) ->
                h.append("<li><b>Precision</b> (")
                    .append(escape(String.join("; ", where)))
                    .append("): ")
                    .append(escape(note))
                    .append("</li>\n"));
    sweep.jobs().stream()
        .map(j -> j.run() == null ? null : j.run().fullTrainingNote())
        .filter(note -> note != null)
        .distinct()
        .forEach(
            note -> h.append("<li><b>Full training</b>: ").append(escape(note)).append("</li>\n"));
    h.append("</ul>\n");
  }

  /** Under net of idle: which idle it subtracted, the warm-up and the batches measured. */
  private static String protocol(RunView r) {
    RunProtocol p = r.protocol();
    var parts = new ArrayList<String>();
    if (p.netIdleBaseline() != null) {
      parts.add(p.netIdleBaseline());
    }
    if (p.warmupBatches() != null) {
      parts.add(
          p.warmupBatches()
              + " warm-up"
              + (Boolean.TRUE.equals(p.powerSettled()) ? ", settled" : ", not settled"));
    }
    if (r.measuredBatches() != null) {
      parts.add(r.measuredBatches() + " measured");
    }
    return parts.isEmpty() ? "" : "<br><small>" + escape(String.join("; ", parts)) + "</small>";
  }
}
