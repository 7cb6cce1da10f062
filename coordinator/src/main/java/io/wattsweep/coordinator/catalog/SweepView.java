package io.wattsweep.coordinator.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.wattsweep.common.spec.BatchSemantics;
import java.util.List;
import java.util.Map;

/** A sweep as the API and the CLI show it: progress and each job with its result. */
public record SweepView(
    String sweepId,
    String name,
    String model,
    long submittedAtMs,
    boolean finished,
    Map<String, Integer> jobCounts,
    List<JobView> jobs) {

  /** One line of the sweep list. */
  public record Summary(
      String sweepId, String name, String model, long submittedAtMs, int jobs, int finished) {}

  /**
   * A job and the run that answers it (the finishing run, else the latest). {@code attempts} counts
   * the times it came back unfinished (aborted or lost) and went out again; {@code message} says
   * why the catalog gave it up, else null. {@code batchSemantics} says whether {@code batchSize} is
   * per GPU or global; a view without it (an older coordinator's) means global.
   */
  public record JobView(
      String jobId,
      String model,
      double scale,
      String gpuClass,
      String precision,
      int batchSize,
      BatchSemantics batchSemantics,
      int gpus,
      String state,
      int attempts,
      String message,
      RunView run) {

    public JobView {
      batchSemantics = batchSemantics == null ? BatchSemantics.GLOBAL : batchSemantics;
    }

    /** The batch as tables, reports and the dashboard show it: "64 per GPU, 256 global". */
    @JsonProperty("batch")
    public String batch() {
      return batchSemantics.describe(batchSize, gpus);
    }
  }

  /**
   * A run's figures. {@code energyIsEstimate} is true when the method is an estimate ({@code
   * tdp-estimate}); {@code fullTraining} is always an extrapolation, and {@code fullTrainingNote}
   * says where its training came from when not from the job, or why there is none (a command
   * workload without one). {@code idlePowerWatts} is the bare idle; {@code protocol} says which
   * idle net subtracted, and how the run warmed up and measured.
   */
  public record RunView(
      String runId,
      String state,
      String workerId,
      String precisionRan,
      String precisionNote,
      String energyMethod,
      boolean energyIsEstimate,
      Integer measuredBatches,
      Double secondsPerBatch,
      Double energyPerBatchJoules,
      Double energyPerBatchStdDevJoules,
      Double energyPerBatchCi95Joules,
      Double netEnergyPerBatchJoules,
      Double idlePowerWatts,
      Extrapolation fullTraining,
      Long generatorParameters,
      Long discriminatorParameters,
      Long flopsPerStep,
      String failureReason,
      String failureMessage,
      String fullTrainingNote,
      RunProtocol protocol) {}

  /**
   * Full-training energy extrapolated from the measured batches (no interval from one batch), with
   * its CO2e and cost at the facility (energy x PUE); cost is null where no price is set.
   */
  public record Extrapolation(
      long batches,
      double energyJoules,
      Double energyCi95Joules,
      double energyKwh,
      double durationSeconds,
      double co2eKg,
      Double cost,
      String currency) {}
}
