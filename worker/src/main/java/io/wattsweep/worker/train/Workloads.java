package io.wattsweep.worker.train;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.common.spec.ModelName;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.proganvae.VaeProGan;
import io.wattsweep.worker.train.threedgan.ThreeDGan;

/** Builds and describes the built-in models ({@link BuiltInModel}) in TensorFlow. */
public final class Workloads {
  private Workloads() {}

  /**
   * Builds the named workload: graph, session and initial weights.
   *
   * @throws IllegalArgumentException naming the field and value for an unknown model
   */
  public static Workload open(WorkloadSpec spec) {
    return switch (ModelName.parse("model", spec.model())) {
      case GAN_3D -> ThreeDGan.open(spec);
      case VAE_PROGAN -> VaeProGan.open(spec);
    };
  }

  /**
   * Parameters per network and FLOPs per step at a scale and global batch, from the networks'
   * variables built in a throwaway graph (nothing is trained or allocated).
   *
   * @throws IllegalArgumentException naming the field and value for a bad scale or batch
   */
  public static ModelInfo describe(BuiltInModel model, double scale, int batchSize) {
    // The spec's checks name the field and value; the spec itself is not used further.
    new WorkloadSpec(model.wireName(), scale, Precision.FP32, batchSize, 1, 0);
    return switch (model) {
      case GAN_3D -> ThreeDGan.describe(scale, batchSize);
      case VAE_PROGAN -> VaeProGan.describe(scale, batchSize);
    };
  }
}
