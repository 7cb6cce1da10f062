package io.wattsweep.worker.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PowerSamplerTest {
  /** Power 100, 200, 300, ... W; every third reading fails where asked. */
  private static final class ScriptedMeter implements PowerMeter {
    final AtomicInteger reads = new AtomicInteger();
    final boolean failEveryThird;

    ScriptedMeter(boolean failEveryThird) {
      this.failEveryThird = failEveryThird;
    }

    @Override
    public EnergyMethod method() {
      return EnergyMethod.TDP_ESTIMATE;
    }

    @Override
    public List<DeviceInfo> devices() {
      return List.of();
    }

    @Override
    public double energyJoules() {
      return 0;
    }

    @Override
    public double powerWatts() {
      int n = reads.incrementAndGet();
      if (failEveryThird && n % 3 == 0) {
        throw new IllegalStateException("reading " + n + " failed");
      }
      return 100.0 * n;
    }

    @Override
    public double resolutionJoules() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private static void awaitReads(ScriptedMeter meter, int reads) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (meter.reads.get() < reads && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void keepsMeanAndPeakOfTheReadingsAndStopsOnClose() throws InterruptedException {
    ScriptedMeter meter = new ScriptedMeter(false);
    PowerSampler sampler = PowerSampler.start(meter, Duration.ofMillis(5));
    awaitReads(meter, 4);
    sampler.close();
    int reads = meter.reads.get();
    PowerSampler.Stats stats = sampler.stats();
    assertEquals(reads, stats.samples());
    assertEquals(100.0 * (reads + 1) / 2, stats.meanWatts(), 1e-9);
    assertEquals(100.0 * reads, stats.maxWatts(), 1e-9);
    assertFalse(sampler.thread().isAlive());
    Thread.sleep(30);
    assertEquals(reads, meter.reads.get(), "no reading after close");
  }

  @Test
  void failedReadingsAreCountedAndSamplingGoesOn() throws InterruptedException {
    ScriptedMeter meter = new ScriptedMeter(true);
    try (PowerSampler sampler = PowerSampler.start(meter, Duration.ofMillis(5))) {
      awaitReads(meter, 7);
      PowerSampler.Stats stats = sampler.stats();
      assertTrue(stats.failures() >= 2, stats.toString());
      assertTrue(stats.samples() >= 4, stats.toString());
      assertTrue(stats.lastFailure().contains("failed"), stats.toString());
    }
  }
}
