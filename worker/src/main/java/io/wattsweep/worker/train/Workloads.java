package io.wattsweep.worker.train;

import io.wattsweep.worker.train.internal.ThreeDGan;
import io.wattsweep.worker.train.internal.VaeProGan;

/** Builds workloads by model name. */
public final class Workloads {

  /** The 3D convolutional calorimeter GAN of Khattak et al. (arXiv 2109.07388). */
  public static final String THREE_D_GAN = "3dgan";

  /** The conditional progressive GAN for satellite tiles of Cardoso et al. (arXiv 2211.15303). */
  public static final String VAE_PROGAN = "vae-progan";

  private Workloads() {}

  /**
   * Builds the named workload: graph, session and initial weights.
   *
   * @throws IllegalArgumentException naming the field and value for an unknown model
   */
  public static Workload open(WorkloadSpec spec) {
    switch (ModelCatalog.named(spec.model()).name()) {
      case THREE_D_GAN:
        return ThreeDGan.open(spec);
      case VAE_PROGAN:
        return VaeProGan.open(spec);
      default:
        throw new IllegalStateException("catalogued but not buildable: " + spec.model());
    }
  }
}
