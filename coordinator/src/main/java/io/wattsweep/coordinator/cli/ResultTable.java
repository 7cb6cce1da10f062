package io.wattsweep.coordinator.cli;

import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import io.wattsweep.coordinator.report.PrecisionLabel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A sweep's results as a plain-text table, as the CLI prints them. */
final class ResultTable {
  private static final String[] HEADER = {
    "config",
    "batch",
    "state",
    "ran as",
    "warm-up",
    "batches",
    "time/batch",
    "energy/batch (95% CI)",
    "net of idle",
    "method",
    "full training (extrapolated)"
  };

  private ResultTable() {}

  static String render(SweepView sweep) {
    var rows = new ArrayList<String[]>();
    rows.add(HEADER);
    boolean anyEstimate = false;
    for (JobView j : sweep.jobs()) {
      RunView r = j.run();
      anyEstimate |= r != null && r.energyIsEstimate();
      rows.add(row(j, r));
    }
    var out = new StringBuilder();
    out.append("Sweep ")
        .append(sweep.sweepId())
        .append(" (")
        .append(sweep.name())
        .append("): ")
        .append(sweep.jobCounts())
        .append('\n');
    out.append(format(rows));
    sweep.jobs().stream()
        .filter(
            j ->
                j.run() != null
                    && j.run().precisionNote() != null
                    && !j.run().precisionNote().isEmpty())
        .map(j -> j.run().precisionNote())
        .distinct()
        .forEach(note -> out.append("* ").append(note).append('\n'));
    sweep.jobs().stream()
        .filter(j -> j.run() != null && j.run().fullTrainingNote() != null)
        .map(j -> j.run().fullTrainingNote())
        .distinct()
        .forEach(note -> out.append("** ").append(note).append('\n'));
    if (anyEstimate) {
      out.append(
          "tdp-estimate: not a measurement; CPU power modelled from its TDP and"
              + " utilization, because no energy counter (NVML, RAPL) could be read here.\n");
    }
    out.append(
        "warm-up: batches run before measuring; not settled: power was still drifting when"
            + " warm-up ended (at its cap, or too few batches to tell). batches: measured, with the"
            + " interval's half-width as a share of energy/batch. net of idle subtracts the idle"
            + " measured with the job built (job-ready), else the one before its process (no-job).\n");
    out.append(
        "Full-training energy is an extrapolation: energy per batch x batches per epoch"
            + " x epochs, with the 95% interval of the measured batches scaled alike.\n");
    return out.toString();
  }

  private static String[] row(JobView j, RunView r) {
    String config =
        String.format(
            Locale.ROOT,
            "%s@%s %s %s x%d",
            j.model(),
            j.scale(),
            j.gpuClass(),
            j.precision(),
            j.gpus());
    String batch = j.batch();
    if (j.message() != null) {
      return new String[] {
        config, batch, j.state() + " (gave up)", "", "", "", "", "", j.message()
      };
    }
    if (r == null) {
      return new String[] {config, batch, j.state(), "", "", "", "", "", "", "", ""};
    }
    if (r.failureReason() != null) {
      return new String[] {
        config,
        batch,
        j.state() + " (" + r.failureReason() + ")",
        nz(r.precisionRan()),
        "",
        "",
        "",
        "",
        "",
        "",
        nz(r.failureMessage())
      };
    }
    String ranAs =
        PrecisionLabel.of(null, r.precisionRan(), r.precisionNote())
            + (r.precisionNote() == null || r.precisionNote().isEmpty() ? "" : " *");
    String time =
        r.secondsPerBatch() == null
            ? ""
            : String.format(Locale.ROOT, "%.1f ms", r.secondsPerBatch() * 1e3);
    String energy =
        r.energyPerBatchJoules() == null
            ? ""
            : String.format(
                Locale.ROOT,
                "%.3f J ± %s",
                r.energyPerBatchJoules(),
                r.energyPerBatchCi95Joules() == null
                    ? "n/a"
                    : String.format(Locale.ROOT, "%.3f", r.energyPerBatchCi95Joules()));
    RunProtocol p = r.protocol();
    String net =
        r.netEnergyPerBatchJoules() == null
            ? ""
            : String.format(Locale.ROOT, "%.3f J", r.netEnergyPerBatchJoules())
                + (p.netIdleBaseline() == null ? "" : " (" + p.netIdleBaseline() + ")");
    String warmUp =
        p.warmupBatches() == null
            ? ""
            : p.warmupBatches()
                + (Boolean.TRUE.equals(p.powerSettled()) ? " settled" : " not settled");
    String batches =
        r.measuredBatches() == null
            ? ""
            : r.measuredBatches()
                + (p.ci95Share() == null
                    ? ""
                    : String.format(Locale.ROOT, " (±%.1f%%)", p.ci95Share() * 100));
    String method = nz(r.energyMethod()) + (r.energyIsEstimate() ? " (estimate)" : "");
    SweepView.Extrapolation ft = r.fullTraining();
    String full =
        ft == null
            ? ""
            : String.format(
                Locale.ROOT,
                "%.3f MJ ± %s (%.2f kWh, %.1f h)",
                ft.energyJoules() / 1e6,
                ft.energyCi95Joules() == null
                    ? "n/a"
                    : String.format(Locale.ROOT, "%.3f", ft.energyCi95Joules() / 1e6),
                ft.energyKwh(),
                ft.durationSeconds() / 3600);
    if (r.fullTrainingNote() != null) {
      full = (ft == null ? "none" : full) + " **";
    }
    return new String[] {
      config, batch, j.state(), ranAs, warmUp, batches, time, energy, net, method, full
    };
  }

  static String format(List<String[]> table) {
    List<String[]> rows =
        table.stream()
            .map(r -> java.util.Arrays.stream(r).map(Printable::cell).toArray(String[]::new))
            .toList();
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    var out = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        out.append(String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      out.setLength(out.length() - 2);
      out.append('\n');
    }
    return out.toString();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
