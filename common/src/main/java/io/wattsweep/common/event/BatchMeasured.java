package io.wattsweep.common.event;

/**
 * One measured batch (a full GAN training step).
 *
 * @param batchIndex 0-based among the measured batches
 * @param energyJoules the window's energy, summed over the job's devices
 * @param energyResolutionJoules the quantum of that figure: a short window is only this exact
 */
public record BatchMeasured(
    String jobId,
    String runId,
    long seq,
    long atMs,
    int batchIndex,
    long durationNanos,
    double energyJoules,
    double energyResolutionJoules,
    double discriminatorLoss,
    double generatorLoss)
    implements RunEvent {
  public BatchMeasured {
    RunEvent.check(jobId, runId, seq);
    if (batchIndex < 0) {
      throw new IllegalArgumentException("batchIndex must be >= 0: " + batchIndex);
    }
    if (durationNanos <= 0) {
      throw new IllegalArgumentException("durationNanos must be > 0: " + durationNanos);
    }
  }
}
