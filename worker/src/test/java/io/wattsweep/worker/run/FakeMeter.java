package io.wattsweep.worker.run;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.worker.meter.PowerMeter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Energy advances by a scripted amount at each read; the last amount repeats. */
final class FakeMeter implements PowerMeter {
  private final EnergyMethod method;
  private final double[] steps;
  private int reads;
  private double energy;
  volatile boolean closed;
  int failAtRead = -1;
  boolean blockPowerUntilClosed;
  final CountDownLatch powerEntered = new CountDownLatch(1);
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private final AtomicInteger powerInFlight = new AtomicInteger();
  volatile boolean closedWhileReading;

  FakeMeter(EnergyMethod method, double... steps) {
    this.method = method;
    this.steps = steps;
  }

  @Override
  public EnergyMethod method() {
    return method;
  }

  @Override
  public List<DeviceInfo> devices() {
    return List.of(
        new DeviceInfo(0, "cpu", "", "Fake CPU", "x86_64", 65.0, ""),
        new DeviceInfo(1, "cpu", "", "Fake CPU", "x86_64", 65.0, ""));
  }

  @Override
  public synchronized double energyJoules() {
    if (reads == failAtRead) {
      throw new IllegalStateException("NVML_ERROR_GPU_IS_LOST");
    }
    energy += steps[Math.min(reads, steps.length - 1)];
    reads++;
    return energy;
  }

  @Override
  public double powerWatts() {
    powerInFlight.incrementAndGet();
    try {
      powerEntered.countDown();
      if (blockPowerUntilClosed) {
        awaitUninterruptibly(closedLatch, 500);
      }
      return 123.0;
    } finally {
      powerInFlight.decrementAndGet();
    }
  }

  @Override
  public double resolutionJoules() {
    return 0.001;
  }

  @Override
  public void close() {
    if (powerInFlight.get() > 0) {
      closedWhileReading = true;
    }
    closed = true;
    closedLatch.countDown();
  }

  /** Waits like a native call would: an interrupt does not end it. Bounded, so a test ends. */
  static void awaitUninterruptibly(CountDownLatch latch, long maxMillis) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    try {
      while (latch.getCount() > 0 && System.nanoTime() < deadline) {
        try {
          latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
