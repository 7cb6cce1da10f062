package io.wattsweep.worker.meter;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Not a measurement: the CPU's power modelled as idle + (TDP - idle) x utilization, with the
 * machine-wide utilization read from {@code /proc/stat} between calls. Used where neither NVML nor
 * RAPL can be read, and labelled {@link EnergyMethod#TDP_ESTIMATE} everywhere.
 */
public final class CpuTdpEstimateMeter implements PowerMeter {
  /** The kernel counts CPU time in ticks of 10 ms (USER_HZ = 100). */
  private static final double TICK_SECONDS = 0.01;

  private final double tdpWatts;
  private final double idleWatts;
  private final int cores;
  private final Path procStat;
  private final LongSupplier nanoClock;
  private final DeviceInfo device;

  private long lastNanos;
  private long[] lastTicks;
  private double joules;
  private double lastWatts;

  /**
   * @param tdpWatts the package's thermal design power
   * @param idleFraction idle power as a fraction of TDP
   */
  public CpuTdpEstimateMeter(
      double tdpWatts, double idleFraction, Path procStat, LongSupplier nanoClock) {
    if (!(tdpWatts > 0)) {
      throw new IllegalArgumentException("tdpWatts must be > 0: " + tdpWatts);
    }
    if (!(idleFraction >= 0 && idleFraction <= 1)) {
      throw new IllegalArgumentException("idleFraction must be in [0, 1]: " + idleFraction);
    }
    this.tdpWatts = tdpWatts;
    this.idleWatts = tdpWatts * idleFraction;
    this.cores = Runtime.getRuntime().availableProcessors();
    this.procStat = procStat;
    this.nanoClock = nanoClock;
    this.device =
        new DeviceInfo(
            0, "cpu", "cpu-0", CpuInfo.modelName(), System.getProperty("os.arch"), tdpWatts, "");
    this.lastNanos = nanoClock.getAsLong();
    this.lastTicks = readTicks();
    this.lastWatts = idleWatts;
  }

  @Override
  public EnergyMethod method() {
    return EnergyMethod.TDP_ESTIMATE;
  }

  @Override
  public List<DeviceInfo> devices() {
    return List.of(device);
  }

  @Override
  public synchronized double energyJoules() {
    advance();
    return joules;
  }

  @Override
  public synchronized double powerWatts() {
    advance();
    return lastWatts;
  }

  @Override
  public double resolutionJoules() {
    // One tick of one CPU moves the machine-wide utilization by 1/cores of a tick's share.
    return (tdpWatts - idleWatts) * TICK_SECONDS / cores;
  }

  @Override
  public void close() {}

  private void advance() {
    long now = nanoClock.getAsLong();
    long[] ticks = readTicks();
    long busy = ticks[0] - lastTicks[0];
    long total = ticks[1] - lastTicks[1];
    double seconds = (now - lastNanos) / 1e9;
    if (total > 0 && seconds > 0) {
      double utilization = Math.min(1, Math.max(0, (double) busy / total));
      lastWatts = idleWatts + (tdpWatts - idleWatts) * utilization;
      joules += lastWatts * seconds;
      lastNanos = now;
      lastTicks = ticks;
    }
  }

  /** {busy, total} ticks over all CPUs, from the aggregate "cpu" line of /proc/stat. */
  private long[] readTicks() {
    try {
      String line = Files.readAllLines(procStat).get(0);
      String[] f = line.trim().split("\\s+");
      long total = 0;
      // user nice system idle iowait irq softirq; steal (8) is time the host gave elsewhere.
      for (int i = 1; i < f.length && i <= 7; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CPU time from " + procStat, e);
    }
  }
}
