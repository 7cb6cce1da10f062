package io.wattsweep.common.spec;

/**
 * One benchmark job: a point of a sweep's grid, published to the jobs topic of its GPU class.
 *
 * @param jobId deterministic: the same sweep and configuration always give the same id
 * @param scale model size factor in (0, 1]; 1 is the published architecture
 * @param gpus devices the job trains on, data-parallel
 * @param fullTraining what a full training means for the extrapolation; null only where the sweep
 *     gave none and the model has no default: a command workload (the worker's commands file may
 *     define it) or a built-in model whose full training is not known
 * @param stopping how far warm-up and measuring may go past their minimums; null (a job from an
 *     older coordinator) reads as the fixed counts it ran with
 * @param dataset HDF5 showers on the worker to train on ({@link SweepSpec#dataset}); null for
 *     synthetic data
 * @param batchSemantics whether {@code batchSize} is per GPU or global ({@link BatchSemantics});
 *     null (a job from an older coordinator) reads as global, what batchSize meant then
 */
public record JobSpec(
    String jobId,
    String sweepId,
    String model,
    double scale,
    String gpuClass,
    Precision precision,
    int batchSize,
    int gpus,
    int warmupBatches,
    int measuredBatches,
    FullTraining fullTraining,
    StoppingRules stopping,
    String dataset,
    BatchSemantics batchSemantics) {

  public JobSpec {
    Checks.notBlank("jobId", jobId);
    Checks.notBlank("sweepId", sweepId);
    ModelName.check("model", model);
    SweepSpec.checkScale(scale);
    Checks.name("gpuClass", gpuClass);
    if (precision == null) {
      throw new IllegalArgumentException("precision must be set: null");
    }
    Checks.atLeast("batchSize", batchSize, 1);
    Checks.atLeast("gpus", gpus, 1);
    Checks.atLeast("warmupBatches", warmupBatches, 0);
    Checks.atLeast("measuredBatches", measuredBatches, 1);
    stopping =
        (stopping == null ? StoppingRules.fixed(warmupBatches, measuredBatches) : stopping)
            .checkAgainst(warmupBatches, measuredBatches);
    if (fullTraining == null
        && !CommandName.isCommand(model)
        && ModelName.parse("model", model).defaultFullTraining().isPresent()) {
      throw new IllegalArgumentException(
          "fullTraining must be set for built-in model " + model + ": null");
    }
    SweepSpec.checkDataset(dataset, model);
    batchSemantics = batchSemantics == null ? BatchSemantics.GLOBAL : batchSemantics;
    batchSemantics.perGpuBatchSize(batchSize, gpus);
  }

  /** The samples one step trains over all the job's GPUs: what an epoch is counted in. */
  public int globalBatchSize() {
    return batchSemantics.globalBatchSize(batchSize, gpus);
  }

  /** A short human label: "3dgan@0.25 cpu fp32 b8 x1", "b8/GPU" where the batch is per GPU. */
  public String label() {
    return model
        + "@"
        + scale
        + " "
        + gpuClass
        + " "
        + precision
        + " "
        + batchSemantics.compact(batchSize)
        + " x"
        + gpus;
  }
}
