package io.wattsweep.worker.train;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.common.spec.Precision;

/**
 * What to build: a model at a size, numeric precision, global batch and device count.
 *
 * @param model the model's wire name, e.g. "3dgan"
 * @param scale the size factor in (0, 1]: it shrinks images and filter counts, 1 is the paper's
 * @param precision the precision asked for; {@link Workload#precisionRan()} says what ran
 * @param batchSize the global batch, split evenly across devices
 * @param devices how many devices train data-parallel, one tower each
 * @param seed fixes initial weights, synthetic data and noise
 * @param dataset HDF5 showers to train on (a file, or a directory of {@code .h5} files); null for
 *     synthetic data
 */
public record WorkloadSpec(
    String model,
    double scale,
    Precision precision,
    int batchSize,
    int devices,
    long seed,
    String dataset) {

  /** A workload on synthetic data. */
  public WorkloadSpec(
      String model, double scale, Precision precision, int batchSize, int devices, long seed) {
    this(model, scale, precision, batchSize, devices, seed, null);
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
    if (dataset != null && !BuiltInModel.GAN_3D.wireName().equals(model)) {
      throw new IllegalArgumentException(
          "dataset is read by model " + BuiltInModel.GAN_3D.wireName() + " only, not "
              + quoted(model)
              + ": " + quoted(dataset));
    }
  }

  private static String quoted(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
