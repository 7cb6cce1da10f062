package io.wattsweep.common.energy;

import io.wattsweep.common.spec.FullTraining;

/**
 * What a completed run's measured span says: energy per batch (the span's energy over its batches,
 * as the study computed it), its spread over the batches, net of idle, and the full training
 * extrapolated from it.
 *
 * @param fullTraining null where no full training is defined (a command workload without one)
 */
public record EnergyReport(
    EnergyMethod method,
    int measuredBatches,
    double secondsPerBatch,
    double energyPerBatchJoules,
    Stats perBatchJoules,
    double idlePowerWatts,
    double netEnergyPerBatchJoules,
    TrainingEstimate fullTraining) {

  /**
   * @param measuredBatches the batches of the measured span
   * @param perBatchJoules the measured batches' own windows (their spread gives the interval)
   * @param spanEnergyJoules the meter's difference over the whole measured span
   * @param training what a full training means, or null for no extrapolation
   */
  public static EnergyReport of(
      EnergyMethod method,
      int measuredBatches,
      double[] perBatchJoules,
      long spanDurationNanos,
      double spanEnergyJoules,
      double idlePowerWatts,
      FullTraining training,
      int globalBatchSize) {
    int n = measuredBatches;
    if (n < 1) {
      throw new IllegalArgumentException("measuredBatches must be >= 1: " + n);
    }
    if (perBatchJoules.length == 0) {
      throw new IllegalArgumentException("perBatchJoules must hold at least one batch: 0");
    }
    double secondsPerBatch = spanDurationNanos / 1e9 / n;
    double perBatch = spanEnergyJoules / n;
    Stats stats = Stats.of(perBatchJoules);
    double net = Math.max(0, perBatch - idlePowerWatts * secondsPerBatch);
    // One batch gives no interval: NaN, shown as n/a, never as a false +-0.
    return new EnergyReport(
        method,
        n,
        secondsPerBatch,
        perBatch,
        stats,
        idlePowerWatts,
        net,
        training == null
            ? null
            : TrainingEstimate.of(
                perBatch, stats.ci95HalfWidth(), secondsPerBatch, training, globalBatchSize));
  }
}
