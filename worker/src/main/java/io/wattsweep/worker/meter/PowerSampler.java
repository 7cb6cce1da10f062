package io.wattsweep.worker.meter;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a meter's power on its own thread at a fixed rate (10 Hz, NVML's refresh, by default),
 * keeping the mean and the peak. The readings are for display; they also keep counters that must be
 * read often fresh: RAPL's wrap tracking and the TDP estimate's utilization. Energy never comes
 * from here: it is the meter's counter at a window's edges.
 *
 * <p>A reading that fails is counted and logged once; sampling goes on.
 */
public final class PowerSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PowerSampler.class);

  /** NVML's and the TDP estimate's useful rate: faster reads the same value again. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

  /**
   * What the sampler saw.
   *
   * @param samples readings that succeeded
   * @param failures readings that failed
   * @param meanWatts mean of the readings (NaN without any)
   * @param maxWatts highest reading (NaN without any)
   * @param lastFailure the last failure's message, or ""
   */
  public record Stats(
      long samples, long failures, double meanWatts, double maxWatts, String lastFailure) {}

  private final PowerMeter meter;
  private final long intervalNanos;
  private final Thread thread;
  private long samples; // guarded by this
  private long failures; // guarded by this
  private double sumWatts; // guarded by this
  private double maxWatts = Double.NaN; // guarded by this
  private String lastFailure = ""; // guarded by this

  private PowerSampler(PowerMeter meter, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0: " + interval);
    }
    this.meter = meter;
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::loop, "power-sampler");
    thread.setDaemon(true);
  }

  /** Starts sampling {@code meter} every {@code interval}, the first reading at once. */
  public static PowerSampler start(PowerMeter meter, Duration interval) {
    PowerSampler sampler = new PowerSampler(meter, interval);
    sampler.thread.start();
    return sampler;
  }

  /** The sampling thread, so that a benchmark can read its CPU time. */
  public Thread thread() {
    return thread;
  }

  /** What was seen so far. */
  public synchronized Stats stats() {
    return new Stats(
        samples, failures, samples == 0 ? Double.NaN : sumWatts / samples, maxWatts, lastFailure);
  }

  /** Stops sampling and waits for a reading in progress to end. Idempotent. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("the power sampler did not stop within 5 s");
    }
  }

  private void loop() {
    long next = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      sampleOnce();
      next += intervalNanos;
      long now = System.nanoTime();
      if (next - now < 0) {
        // Behind (a slow read, a paused VM): skip the missed ticks rather than burst.
        next = now + intervalNanos - Math.floorMod(now - next, intervalNanos);
      }
      while (next - System.nanoTime() > 0) {
        LockSupport.parkNanos(next - System.nanoTime());
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }
  }

  private void sampleOnce() {
    double watts;
    try {
      watts = meter.powerWatts();
    } catch (RuntimeException e) {
      boolean first;
      synchronized (this) {
        first = failures == 0;
        failures++;
        lastFailure = String.valueOf(e.getMessage());
      }
      if (first) {
        LOG.warn("power reading failed (later failures are counted, not logged): {}", e.toString());
      }
      return;
    }
    synchronized (this) {
      samples++;
      sumWatts += watts;
      maxWatts = Double.isNaN(maxWatts) ? watts : Math.max(maxWatts, watts);
    }
  }
}
