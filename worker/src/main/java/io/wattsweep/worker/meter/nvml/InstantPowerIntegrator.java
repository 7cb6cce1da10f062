package io.wattsweep.worker.meter.nvml;

/**
 * Energy as the trapezoid integral of power samples on a monotonic clock. Not thread-safe: the
 * meter feeds it under a lock that also covers reading the clock, so samples arrive in order.
 */
final class InstantPowerIntegrator {
  private boolean started;
  private long lastNanos;
  private double lastWatts;
  private double joules;

  /**
   * Adds a sample and returns the energy since the first one, in joules.
   *
   * @throws IllegalArgumentException if the sample is older than the previous one
   */
  double add(long nanos, double watts) {
    if (!(watts >= 0) || Double.isInfinite(watts)) {
      throw new IllegalArgumentException("watts must be finite and >= 0: " + watts);
    }
    if (started) {
      long elapsed = nanos - lastNanos;
      if (elapsed < 0) {
        throw new IllegalArgumentException(
            "sample time went backwards by " + (-elapsed) + " ns: the clock is not monotonic");
      }
      joules += (lastWatts + watts) / 2 * (elapsed / 1e9);
    }
    started = true;
    lastNanos = nanos;
    lastWatts = watts;
    return joules;
  }

  /** The energy integrated up to the last sample, in joules. */
  double joules() {
    return joules;
  }
}
