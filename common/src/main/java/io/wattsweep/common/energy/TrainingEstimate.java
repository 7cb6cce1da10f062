package io.wattsweep.common.energy;

import io.wattsweep.common.spec.FullTraining;

/**
 * A full training, extrapolated from measured batches: energy per batch x batches per epoch x
 * epochs, with the 95% interval scaled the same way. It is an extrapolation, and says so.
 */
public record TrainingEstimate(
    long batches, double energyJoules, double energyCi95Joules, double durationSeconds) {

  private static final double JOULES_PER_KWH = 3.6e6;

  public static TrainingEstimate of(
      double energyPerBatchJoules,
      double energyPerBatchCi95Joules,
      double secondsPerBatch,
      FullTraining training,
      int globalBatchSize) {
    long batches = training.batchesPerEpoch(globalBatchSize) * training.epochs();
    return new TrainingEstimate(
        batches,
        energyPerBatchJoules * batches,
        energyPerBatchCi95Joules * batches,
        secondsPerBatch * batches);
  }

  public double energyMegajoules() {
    return energyJoules / 1e6;
  }

  public double energyKwh() {
    return energyJoules / JOULES_PER_KWH;
  }
}
