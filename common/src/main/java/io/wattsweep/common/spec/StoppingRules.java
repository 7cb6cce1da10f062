package io.wattsweep.common.spec;

/**
 * When a job's warm-up and its measured span end, beyond their minimums ({@link
 * JobSpec#warmupBatches()}, {@link JobSpec#measuredBatches()}). Warm-up goes on until power has
 * settled ({@link #SETTLED_SHARE}), at most {@code maxWarmupBatches}; measuring goes on until the
 * 95% interval's half-width is under {@code targetCiShare} of the mean, at most {@code
 * maxMeasuredBatches}. Maximums equal to the minimums give the study's fixed counts.
 *
 * @param targetCiShare the half-width of the per-batch energies' 95% interval, as a share of their
 *     mean, at which measuring stops (0.02: within 2%)
 */
public record StoppingRules(int maxWarmupBatches, int maxMeasuredBatches, double targetCiShare) {
  /**
   * Power has settled when the mean power of the last {@link #SETTLE_WINDOW} warm-up batches is
   * within this share of the mean of the {@link #SETTLE_WINDOW} before them.
   */
  public static final double SETTLED_SHARE = 0.02;

  public static final int SETTLE_WINDOW = 3;
  public static final double DEFAULT_TARGET_CI_SHARE = 0.02;

  /** An interval wider than half the mean is no target: a typo for a percentage, say. */
  public static final double MAX_TARGET_CI_SHARE = 0.5;

  public StoppingRules {
    Checks.between("maxWarmupBatches", maxWarmupBatches, 0, SweepSpec.MAX_WARMUP_BATCHES);
    Checks.between("maxMeasuredBatches", maxMeasuredBatches, 1, SweepSpec.MAX_MEASURED_BATCHES);
    if (!(targetCiShare > 0 && targetCiShare <= MAX_TARGET_CI_SHARE)) {
      throw new IllegalArgumentException(
          "targetCiShare must be in (0, " + MAX_TARGET_CI_SHARE + "]: " + targetCiShare);
    }
  }

  /** The study's protocol: exactly the minimum warm-up and measured batches. */
  public static StoppingRules fixed(int warmupBatches, int measuredBatches) {
    return new StoppingRules(warmupBatches, measuredBatches, DEFAULT_TARGET_CI_SHARE);
  }

  /** Checks that the maximums are not below the minimums they extend. */
  StoppingRules checkAgainst(int warmupBatches, int measuredBatches) {
    if (maxWarmupBatches < warmupBatches) {
      throw new IllegalArgumentException(
          "maxWarmupBatches must be >= warmupBatches (" + warmupBatches + "): " + maxWarmupBatches);
    }
    if (maxMeasuredBatches < measuredBatches) {
      throw new IllegalArgumentException(
          "maxMeasuredBatches must be >= measuredBatches ("
              + measuredBatches
              + "): "
              + maxMeasuredBatches);
    }
    return this;
  }

  /** True when the counts can grow past their minimums. */
  boolean growsBeyond(int warmupBatches, int measuredBatches) {
    return maxWarmupBatches > warmupBatches || maxMeasuredBatches > measuredBatches;
  }
}
