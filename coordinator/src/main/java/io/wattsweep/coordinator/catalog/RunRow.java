package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.spec.BatchSemantics;

/**
 * One run, flat, as listed, compared and exported. Energy figures carry their method; {@code
 * energyIsEstimate} is true for {@code tdp-estimate}. Everything under "fullTraining" is an
 * extrapolation from the measured batches; CO2e and cost are at the facility (energy x PUE).
 *
 * @param precisionNote why {@code precisionRan} differs from the request, or that it is not
 *     verified (a command workload), and for a model run on a CPU which kernels TensorFlow ran
 *     (oneDNN or Eigen); empty or null otherwise
 * @param fullTrainingNote where the extrapolation's full training came from when not from the job,
 *     or why there is none; null otherwise
 * @param batchSemantics whether {@code batchSize} is per GPU or global
 * @param idlePowerWatts the bare idle, before the job's process; {@code protocol} says which idle
 *     net subtracted
 */
public record RunRow(
    String runId,
    String jobId,
    String sweepId,
    String model,
    double scale,
    String gpuClass,
    String precisionRequested,
    String precisionRan,
    int batchSize,
    BatchSemantics batchSemantics,
    int gpus,
    String state,
    String workerId,
    Long startedAtMs,
    String energyMethod,
    boolean energyIsEstimate,
    Integer measuredBatches,
    Double secondsPerBatch,
    Double energyPerBatchJoules,
    Double energyPerBatchCi95Joules,
    Double netEnergyPerBatchJoules,
    Double idlePowerWatts,
    Long fullTrainingBatches,
    Double fullTrainingEnergyJoules,
    Double fullTrainingEnergyCi95Joules,
    Double fullTrainingKwh,
    Double fullTrainingHours,
    Double fullTrainingCo2eKg,
    Double fullTrainingCost,
    String currency,
    String failureReason,
    String failureMessage,
    String precisionNote,
    String fullTrainingNote,
    RunProtocol protocol) {

  /** The columns of the CSV export, in order. */
  public static final String[] COLUMNS = {
    "run_id",
    "job_id",
    "sweep_id",
    "model",
    "scale",
    "gpu_class",
    "precision_requested",
    "precision_ran",
    "batch_size",
    "batch_semantics",
    "gpus",
    "state",
    "worker_id",
    "started_at_ms",
    "energy_method",
    "energy_is_estimate",
    "measured_batches",
    "seconds_per_batch",
    "energy_per_batch_j",
    "energy_per_batch_ci95_j",
    "net_energy_per_batch_j",
    "idle_power_w",
    "full_training_batches",
    "full_training_energy_j",
    "full_training_energy_ci95_j",
    "full_training_kwh",
    "full_training_hours",
    "full_training_co2e_kg",
    "full_training_cost",
    "currency",
    "failure_reason",
    "failure_message",
    "precision_note",
    "full_training_note",
    "ready_idle_power_w",
    "net_idle_baseline",
    "warmup_batches",
    "power_settled",
    "ci95_share"
  };

  /** The values in {@link #COLUMNS} order; null where there is none. */
  public Object[] values() {
    return new Object[] {
      runId,
      jobId,
      sweepId,
      model,
      scale,
      gpuClass,
      precisionRequested,
      precisionRan,
      batchSize,
      batchSemantics.wireName(),
      gpus,
      state,
      workerId,
      startedAtMs,
      energyMethod,
      energyIsEstimate,
      measuredBatches,
      secondsPerBatch,
      energyPerBatchJoules,
      energyPerBatchCi95Joules,
      netEnergyPerBatchJoules,
      idlePowerWatts,
      fullTrainingBatches,
      fullTrainingEnergyJoules,
      fullTrainingEnergyCi95Joules,
      fullTrainingKwh,
      fullTrainingHours,
      fullTrainingCo2eKg,
      fullTrainingCost,
      currency,
      failureReason,
      failureMessage,
      precisionNote,
      fullTrainingNote,
      protocol.readyIdlePowerWatts(),
      protocol.netIdleBaseline(),
      protocol.warmupBatches(),
      protocol.powerSettled(),
      protocol.ci95Share()
    };
  }
}
