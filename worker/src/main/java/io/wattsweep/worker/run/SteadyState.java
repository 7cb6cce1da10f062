package io.wattsweep.worker.run;

import io.wattsweep.common.spec.StoppingRules;
import java.util.List;

/**
 * Whether a warm-up's power has settled: the mean power of its last {@link
 * StoppingRules#SETTLE_WINDOW} batches within {@link StoppingRules#SETTLED_SHARE} of the mean of
 * the batches before them. Clocks and temperature drift for minutes on a GPU; a measured span that
 * starts on the drift reads its energy off a slope.
 */
final class SteadyState {
  private SteadyState() {}

  /** False with fewer than two windows of batches: too few to tell. */
  static boolean settled(List<Double> batchWatts) {
    int w = StoppingRules.SETTLE_WINDOW;
    int n = batchWatts.size();
    if (n < 2 * w) {
      return false;
    }
    double before = mean(batchWatts.subList(n - 2 * w, n - w));
    double last = mean(batchWatts.subList(n - w, n));
    return Math.abs(last - before) <= StoppingRules.SETTLED_SHARE * Math.abs(before);
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
