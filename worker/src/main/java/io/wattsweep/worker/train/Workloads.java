package io.wattsweep.worker.train;

import io.wattsweep.worker.train.internal.ThreeDGan;

/** Builds workloads by model name. */
public final class Workloads {

  /** The 3D convolutional calorimeter GAN of Khattak et al. (arXiv 2109.07388). */
  public static final String THREE_D_GAN = "3dgan";

  private Workloads() {}

  /**
   * Builds the named workload: graph, session and initial weights.
   *
   * @throws IllegalArgumentException naming the field and value for an unknown model
   */
  public static Workload open(WorkloadSpec spec) {
    if (THREE_D_GAN.equals(spec.model())) {
      return ThreeDGan.open(spec);
    }
    throw new IllegalArgumentException(
        "model must be one of " + THREE_D_GAN + ": '" + spec.model() + "'");
  }
}
