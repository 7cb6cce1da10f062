package io.wattsweep.coordinator.report;

import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.catalog.SweepView.Extrapolation;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import java.util.ArrayList;
import java.util.List;

/**
 * results.csv: one row per job (RFC 4180 quoting, header always present). Numbers are exact
 * decimals without exponent, units in the column names; a figure a job does not have is empty.
 */
final class ResultsCsv {
  static final List<String> HEADER = List.of(
      "sweep_id", "job_id", "model", "scale", "gpu_class", "precision_requested",
      "precision_ran", "precision_note", "batch_size", "batch_semantics", "global_batch_size",
      "gpus", "state", "run_id",
      "measured_batches", "seconds_per_batch", "energy_per_batch_j", "energy_per_batch_ci95_j",
      "energy_per_batch_sd_j", "net_energy_per_batch_j", "idle_power_w", "energy_method",
      "energy_is_estimate", "full_training_batches", "full_training_energy_j",
      "full_training_energy_mj", "full_training_energy_kwh", "full_training_energy_ci95_j",
      "full_training_duration_s", "failure_reason", "failure_message", "ready_idle_power_w",
      "net_idle_baseline", "warmup_batches", "power_settled", "ci95_share");

  private ResultsCsv() {}

  static String render(SweepView sweep) {
    var out = new StringBuilder();
    line(out, HEADER);
    for (JobView j : sweep.jobs()) {
      line(out, row(sweep.sweepId(), j));
    }
    return out.toString();
  }

  /** batch_size as the sweep gave it, what it counts, the global batch, and gpus. */
  private static List<String> batch(JobView j) {
    return List.of(String.valueOf(j.batchSize()), j.batchSemantics().wireName(),
        String.valueOf(j.batchSemantics().globalBatchSize(j.batchSize(), j.gpus())),
        String.valueOf(j.gpus()));
  }

  private static List<String> row(String sweepId, JobView j) {
    var cells = new ArrayList<String>(List.of(
        sweepId, j.jobId(), nz(j.model()), Text.exact(j.scale()), nz(j.gpuClass()),
        nz(j.precision())));
    RunView r = j.run();
    if (r == null) {
      cells.addAll(List.of("", ""));
      cells.addAll(batch(j));
      cells.add(nz(j.state()));
      while (cells.size() < HEADER.size()) {
        cells.add("");
      }
      return cells;
    }
    Extrapolation ft = r.fullTraining();
    boolean hasFt = ft != null && Double.isFinite(ft.energyJoules());
    cells.addAll(List.of(nz(r.precisionRan()), nz(r.precisionNote())));
    cells.addAll(batch(j));
    cells.addAll(List.of(nz(j.state()), nz(r.runId()),
        r.measuredBatches() == null ? "" : String.valueOf(r.measuredBatches()),
        Text.exact(r.secondsPerBatch()), Text.exact(r.energyPerBatchJoules()),
        Text.exact(r.energyPerBatchCi95Joules()), Text.exact(r.energyPerBatchStdDevJoules()),
        Text.exact(r.netEnergyPerBatchJoules()), Text.exact(r.idlePowerWatts()),
        nz(r.energyMethod()), r.energyMethod() == null ? "" : String.valueOf(r.energyIsEstimate()),
        hasFt ? String.valueOf(ft.batches()) : "",
        hasFt ? Text.exact(ft.energyJoules()) : "",
        hasFt ? Text.exact(ft.energyJoules() / 1e6) : "",
        hasFt ? Text.exact(ft.energyKwh()) : "",
        hasFt && ft.energyCi95Joules() != null ? Text.exact(ft.energyCi95Joules()) : "",
        hasFt ? Text.exact(ft.durationSeconds()) : "",
        nz(r.failureReason()), nz(r.failureMessage())));
    RunProtocol p = r.protocol();
    cells.addAll(List.of(Text.exact(p.readyIdlePowerWatts()), nz(p.netIdleBaseline()),
        p.warmupBatches() == null ? "" : String.valueOf(p.warmupBatches()),
        p.powerSettled() == null ? "" : String.valueOf(p.powerSettled()),
        Text.exact(p.ci95Share())));
    return cells;
  }

  private static void line(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(quote(cells.get(i)));
    }
    out.append("\r\n");
  }

  private static String quote(String cell) {
    if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0
        && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
