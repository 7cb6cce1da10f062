package io.wattsweep.worker.meter.bench;

import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.meter.PowerSampler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Benchmark (not a test): the CPU time a {@link PowerSampler} costs at 10 Hz, as a share of one
 * core, per meter. The main thread sleeps while the sampler runs, so the process's CPU time over
 * the window is the sampler's plus the JVM's background; the same window without a sampler gives
 * that background.
 *
 * <p>Arguments: seconds per window (default 20), repetitions (default 3), meters (default tdp
 * nvml-fake-1 nvml-fake-8 rapl-fake).
 */
public final class SamplerCpuCost {
  private SamplerCpuCost() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String[] meters =
        args.length > 2
            ? java.util.Arrays.copyOfRange(args, 2, args.length)
            : new String[] {"tdp", "nvml-fake-1", "nvml-fake-8", "rapl-fake"};
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Path scratch = Files.createTempDirectory("sampler-cpu-cost");
    System.out.printf(
        Locale.ROOT,
        "sampler at 10 Hz, %d s windows, %d repetitions, %d CPUs%n",
        seconds,
        reps,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "meter         rep  readings  sampler thread %core  process %core"
            + "  process without sampler %core  per reading us");
    for (String name : meters) {
      try (PowerMeter meter = BenchMeters.open(name, scratch)) {
        // Warm up: the first readings load classes and JIT-compile the path.
        try (PowerSampler warm = PowerSampler.start(meter, Duration.ofMillis(10))) {
          Thread.sleep(2000);
        }
        for (int rep = 1; rep <= reps; rep++) {
          long p0 = os.getProcessCpuTime();
          long w0 = System.nanoTime();
          Thread.sleep(seconds * 1000L);
          double baseline = (os.getProcessCpuTime() - p0) / (double) (System.nanoTime() - w0);

          PowerSampler sampler = PowerSampler.start(meter, PowerSampler.DEFAULT_INTERVAL);
          long id = sampler.thread().getId();
          long t0 = threads.getThreadCpuTime(id);
          p0 = os.getProcessCpuTime();
          w0 = System.nanoTime();
          Thread.sleep(seconds * 1000L);
          long thread = threads.getThreadCpuTime(id) - t0;
          long process = os.getProcessCpuTime() - p0;
          long wall = System.nanoTime() - w0;
          long readings = sampler.stats().samples();
          sampler.close();
          System.out.printf(
              Locale.ROOT,
              "%-12s  %3d  %8d  %25.3f  %13.3f  %29.3f  %14.1f%n",
              name,
              rep,
              readings,
              100.0 * thread / wall,
              100.0 * process / wall,
              100.0 * baseline,
              thread / 1e3 / Math.max(1, readings));
        }
      }
    }
  }
}
