package io.wattsweep.worker.train;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;

/**
 * What to build and for which job: a model (built-in or {@code command:NAME}) at a size, numeric
 * precision, global batch and device count, and the job's warm-up and measured batches, which a
 * command workload is told and runs.
 *
 * @param model the model's wire name, e.g. "3dgan", or {@code command:NAME}
 * @param scale the size factor in (0, 1]: it shrinks images and filter counts, 1 is the paper's
 * @param precision the precision asked for; {@link Workload#precisionRan()} says what ran
 * @param batchSize the global batch, split evenly across devices
 * @param devices how many devices train data-parallel, one tower each
 * @param seed fixes initial weights, synthetic data and noise
 * @param dataset HDF5 showers to train on (a file, or a directory of {@code .h5} files); null for
 *     synthetic data
 * @param jobId the job, for logs and a command's environment; {@link #NO_JOB} where there is none
 * @param warmupBatches the job's warm-up batches; 0 where the caller steps the workload itself
 * @param measuredBatches the job's measured batches; 0 where the caller steps the workload itself
 */
public record WorkloadSpec(
    String model,
    double scale,
    Precision precision,
    int batchSize,
    int devices,
    long seed,
    String dataset,
    String jobId,
    int warmupBatches,
    int measuredBatches) {

  /** The job id of a workload built outside a job (a test, a benchmark). */
  public static final String NO_JOB = "none";

  /** A workload on synthetic data, outside a job: its caller steps it. */
  public WorkloadSpec(
      String model, double scale, Precision precision, int batchSize, int devices, long seed) {
    this(model, scale, precision, batchSize, devices, seed, null, NO_JOB, 0, 0);
  }

  /**
   * What a job runs: its model at its global batch on its GPUs, seeded by the caller.
   *
   * @throws IllegalArgumentException naming the field and value where no workload can run it
   */
  public static WorkloadSpec of(JobSpec job, long seed) {
    return new WorkloadSpec(
        job.model(),
        job.scale(),
        job.precision(),
        job.globalBatchSize(),
        job.gpus(),
        seed,
        job.dataset(),
        job.jobId(),
        job.warmupBatches(),
        job.measuredBatches());
  }

  /** Rejects values no model can build, naming the field and the value. */
  public WorkloadSpec {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank: " + quoted(model));
    }
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("scale must be in (0, 1]: " + scale);
    }
    if (precision == null) {
      throw new IllegalArgumentException("precision must not be null: null");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
    }
    if (devices < 1) {
      throw new IllegalArgumentException("devices must be >= 1: " + devices);
    }
    if (batchSize % devices != 0) {
      throw new IllegalArgumentException(
          "batchSize must be divisible by devices (" + devices + "): " + batchSize);
    }
    if (jobId == null || jobId.isBlank()) {
      throw new IllegalArgumentException("jobId must not be blank: " + quoted(jobId));
    }
    if (warmupBatches < 0) {
      throw new IllegalArgumentException("warmupBatches must be >= 0: " + warmupBatches);
    }
    if (measuredBatches < 0) {
      throw new IllegalArgumentException("measuredBatches must be >= 0: " + measuredBatches);
    }
    if (dataset != null && !BuiltInModel.GAN_3D.wireName().equals(model)) {
      throw new IllegalArgumentException(
          "dataset is read by model "
              + BuiltInModel.GAN_3D.wireName()
              + " only, not "
              + quoted(model)
              + ": "
              + quoted(dataset));
    }
  }

  private static String quoted(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
