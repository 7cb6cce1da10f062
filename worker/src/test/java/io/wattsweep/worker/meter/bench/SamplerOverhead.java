package io.wattsweep.worker.meter.bench;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.meter.PowerSampler;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.Workloads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark (not a test): how much a {@link PowerSampler} at 10 Hz slows a training step. Blocks of
 * steps run without and with the sampler, interleaved (off-on, then on-off, ...) so that drift in
 * the machine's speed falls on both alike; each repetition gives the ratio of the two blocks' mean
 * step times, in wall time and in the stepping thread's CPU time. The CPU-time ratio is what a busy
 * shared machine leaves measurable: other processes stretch wall time by far more than the sampler
 * could, but do not add CPU time to the stepping thread. For the TensorFlow workload, whose steps
 * run on TensorFlow's own threads, only the wall-time ratio applies.
 *
 * <p>Arguments: workload ({@code 3dgan}: the worker's TensorFlow 3DGAN at scale 0.25, fp32, batch
 * 8; {@code cpu}: a CPU-bound loop of about 50 ms), meter (see {@link BenchMeters}, or {@code
 * control}: no sampler in either block, to see the harness's own noise), steps per block,
 * repetitions.
 */
public final class SamplerOverhead {
  private SamplerOverhead() {}

  /** A step of floating-point work with a data dependency, so the JIT cannot drop it. */
  private static final class CpuLoop implements AutoCloseable {
    private double acc = 1;

    void step() {
      double x = acc;
      for (int i = 0; i < 20_000_000; i++) {
        x = x * 1.0000001 + 1e-9;
        if (x > 2) {
          x -= 1;
        }
      }
      acc = x;
    }

    @Override
    public void close() {
      if (acc == 42) {
        System.out.println(acc); // keeps the result observable
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String workloadName = args.length > 0 ? args[0] : "cpu";
    String meterName = args.length > 1 ? args[1] : "tdp";
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int reps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    Path scratch = Files.createTempDirectory("sampler-overhead");
    Runnable step;
    AutoCloseable resource;
    if (workloadName.equals("3dgan")) {
      Workload w = Workloads.open(new WorkloadSpec("3dgan", 0.25, Precision.FP32, 8, 1, 1L));
      step = w::step;
      resource = w;
    } else {
      CpuLoop loop = new CpuLoop();
      step = loop::step;
      resource = loop;
    }
    // "control": both blocks run without a sampler, so the ratio shows the harness's own noise.
    boolean control = meterName.equals("control");
    try (resource;
        PowerMeter meter = BenchMeters.open(control ? "none" : meterName, scratch)) {
      for (int i = 0; i < Math.max(3, steps / 4); i++) {
        step.run(); // warm-up: JIT, TensorFlow's first-run allocations
      }
      System.out.printf(
          Locale.ROOT,
          "workload %s, meter %s, sampler every 100 ms, %d steps per"
              + " block, %d repetitions, %d CPUs%n",
          workloadName,
          meterName,
          steps,
          reps,
          Runtime.getRuntime().availableProcessors());
      System.out.println(
          "rep  order   off ms/step  on ms/step  wall on/off  off cpu ms  on cpu ms"
              + "  cpu on/off  readings");
      double[] wallRatios = new double[reps];
      double[] cpuRatios = new double[reps];
      for (int rep = 0; rep < reps; rep++) {
        boolean onFirst = rep % 2 == 1;
        PowerMeter sampled = control ? null : meter;
        Block first = block(step, steps, onFirst ? sampled : null);
        Block second = block(step, steps, onFirst ? null : sampled);
        Block off = onFirst ? second : first;
        Block on = onFirst ? first : second;
        wallRatios[rep] = on.wallNanos() / off.wallNanos();
        cpuRatios[rep] = on.cpuNanos() / off.cpuNanos();
        System.out.printf(
            Locale.ROOT,
            "%3d  %-6s  %11.2f  %10.2f  %11.4f  %10.2f  %9.2f  %10.4f" + "  %8d%n",
            rep + 1,
            onFirst ? "on-off" : "off-on",
            off.wallNanos() / 1e6,
            on.wallNanos() / 1e6,
            wallRatios[rep],
            off.cpuNanos() / 1e6,
            on.cpuNanos() / 1e6,
            cpuRatios[rep],
            on.readings());
      }
      summarize("wall time per step", wallRatios);
      summarize("CPU time per step (the stepping thread)", cpuRatios);
    }
  }

  /** Mean wall and CPU time per step of a block, and the sampler's readings during it. */
  private record Block(double wallNanos, double cpuNanos, long readings) {}

  private static void summarize(String what, double[] ratios) {
    int n = ratios.length;
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double mean = Arrays.stream(ratios).average().orElse(Double.NaN);
    double sd =
        Math.sqrt(
            Arrays.stream(ratios).map(r -> (r - mean) * (r - mean)).sum() / Math.max(1, n - 1));
    double half = tQuantile975(n - 1) * sd / Math.sqrt(n);
    System.out.printf(
        Locale.ROOT,
        "%s, on/off: median %.4f, mean %.4f, 95%% CI of the mean"
            + " [%.4f, %.4f] -> overhead %+.2f%% (CI %+.2f%% .. %+.2f%%)%n",
        what,
        median,
        mean,
        mean - half,
        mean + half,
        100 * (mean - 1),
        100 * (mean - half - 1),
        100 * (mean + half - 1));
  }

  /** Runs a block of steps, with the sampler running on {@code meter} if given. */
  private static Block block(Runnable step, int steps, PowerMeter meter) {
    PowerSampler sampler = meter == null ? null : PowerSampler.start(meter, Duration.ofMillis(100));
    long cpu = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      step.run();
    }
    long elapsed = System.nanoTime() - start;
    cpu = THREADS.getCurrentThreadCpuTime() - cpu;
    long readings = 0;
    if (sampler != null) {
      sampler.close();
      readings = sampler.stats().samples();
    }
    return new Block(elapsed / (double) steps, cpu / (double) steps, readings);
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Student's t 97.5% quantile, from a table; 1.96 past 30 degrees of freedom. */
  private static double tQuantile975(int df) {
    double[] t = {
      Double.NaN,
      12.706,
      4.303,
      3.182,
      2.776,
      2.571,
      2.447,
      2.365,
      2.306,
      2.262,
      2.228,
      2.201,
      2.179,
      2.160,
      2.145,
      2.131,
      2.120,
      2.110,
      2.101,
      2.093,
      2.086,
      2.080,
      2.074,
      2.069,
      2.064,
      2.060,
      2.056,
      2.052,
      2.048,
      2.045,
      2.042
    };
    return df < 1 ? Double.NaN : df < t.length ? t[df] : 1.96;
  }
}
