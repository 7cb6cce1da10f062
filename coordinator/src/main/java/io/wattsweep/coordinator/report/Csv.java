package io.wattsweep.coordinator.report;

import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.RunRow;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.catalog.SweepView.Extrapolation;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every CSV that wattsweep gives out: runs, a run's power trace, and a sweep's results.csv. RFC
 * 4180 quoting, a header always (an empty selection is a file with its header), a figure a row does
 * not have is an empty cell. In results.csv, numbers are exact decimals without exponent and units
 * are in the column names.
 */
public final class Csv {
  static final List<String> RESULTS_HEADER =
      List.of(
          "sweep_id",
          "job_id",
          "model",
          "scale",
          "gpu_class",
          "precision_requested",
          "precision_ran",
          "precision_note",
          "batch_size",
          "batch_semantics",
          "global_batch_size",
          "gpus",
          "state",
          "run_id",
          "measured_batches",
          "seconds_per_batch",
          "energy_per_batch_j",
          "energy_per_batch_ci95_j",
          "energy_per_batch_sd_j",
          "net_energy_per_batch_j",
          "idle_power_w",
          "energy_method",
          "energy_is_estimate",
          "full_training_batches",
          "full_training_energy_j",
          "full_training_energy_mj",
          "full_training_energy_kwh",
          "full_training_energy_ci95_j",
          "full_training_duration_s",
          "failure_reason",
          "failure_message",
          "ready_idle_power_w",
          "net_idle_baseline",
          "warmup_batches",
          "power_settled",
          "ci95_share");

  private Csv() {}

  public static String runs(List<RunRow> rows) {
    var out = new StringBuilder();
    line(out, Arrays.asList(RunRow.COLUMNS));
    for (RunRow r : rows) {
      line(out, Arrays.asList(r.values()));
    }
    return out.toString();
  }

  /** One line a point; each says how its samples were obtained and whether that is an estimate. */
  public static String power(PowerTrace trace) {
    var out = new StringBuilder();
    line(
        out,
        List.of("from_ms", "to_ms", "samples", "mean_w", "min_w", "max_w", "method", "estimate"));
    String methods = String.join("+", trace.methods());
    for (PowerTrace.Point p : trace.points()) {
      line(
          out,
          List.of(
              p.fromMs(),
              p.toMs(),
              p.samples(),
              p.meanWatts(),
              p.minWatts(),
              p.maxWatts(),
              methods,
              trace.estimate()));
    }
    return out.toString();
  }

  /** results.csv: one row per job of {@code sweep}. */
  static String results(SweepView sweep) {
    var out = new StringBuilder();
    line(out, RESULTS_HEADER);
    for (JobView j : sweep.jobs()) {
      line(out, row(sweep.sweepId(), j));
    }
    return out.toString();
  }

  /** batch_size as the sweep gave it, what it counts, the global batch, and gpus. */
  private static List<String> batch(JobView j) {
    return List.of(
        String.valueOf(j.batchSize()),
        j.batchSemantics().wireName(),
        String.valueOf(j.batchSemantics().globalBatchSize(j.batchSize(), j.gpus())),
        String.valueOf(j.gpus()));
  }

  private static List<String> row(String sweepId, JobView j) {
    var cells =
        new ArrayList<String>(
            List.of(
                sweepId,
                j.jobId(),
                nz(j.model()),
                Text.exact(j.scale()),
                nz(j.gpuClass()),
                nz(j.precision())));
    RunView r = j.run();
    if (r == null) {
      cells.addAll(List.of("", ""));
      cells.addAll(batch(j));
      cells.add(nz(j.state()));
      while (cells.size() < RESULTS_HEADER.size()) {
        cells.add("");
      }
      return cells;
    }
    Extrapolation ft = r.fullTraining();
    boolean hasFt = ft != null && Double.isFinite(ft.energyJoules());
    cells.addAll(List.of(nz(r.precisionRan()), nz(r.precisionNote())));
    cells.addAll(batch(j));
    cells.addAll(
        List.of(
            nz(j.state()),
            nz(r.runId()),
            r.measuredBatches() == null ? "" : String.valueOf(r.measuredBatches()),
            Text.exact(r.secondsPerBatch()),
            Text.exact(r.energyPerBatchJoules()),
            Text.exact(r.energyPerBatchCi95Joules()),
            Text.exact(r.energyPerBatchStdDevJoules()),
            Text.exact(r.netEnergyPerBatchJoules()),
            Text.exact(r.idlePowerWatts()),
            nz(r.energyMethod()),
            r.energyMethod() == null ? "" : String.valueOf(r.energyIsEstimate()),
            hasFt ? String.valueOf(ft.batches()) : "",
            hasFt ? Text.exact(ft.energyJoules()) : "",
            hasFt ? Text.exact(ft.energyJoules() / 1e6) : "",
            hasFt ? Text.exact(ft.energyKwh()) : "",
            hasFt && ft.energyCi95Joules() != null ? Text.exact(ft.energyCi95Joules()) : "",
            hasFt ? Text.exact(ft.durationSeconds()) : "",
            nz(r.failureReason()),
            nz(r.failureMessage())));
    RunProtocol p = r.protocol();
    cells.addAll(
        List.of(
            Text.exact(p.readyIdlePowerWatts()),
            nz(p.netIdleBaseline()),
            p.warmupBatches() == null ? "" : String.valueOf(p.warmupBatches()),
            p.powerSettled() == null ? "" : String.valueOf(p.powerSettled()),
            Text.exact(p.ci95Share())));
    return cells;
  }

  private static void line(StringBuilder out, List<?> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(cells.get(i)));
    }
    out.append("\r\n");
  }

  private static String cell(Object v) {
    if (v == null) {
      return "";
    }
    String s = v instanceof Double d ? (Double.isFinite(d) ? d.toString() : "") : v.toString();
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
