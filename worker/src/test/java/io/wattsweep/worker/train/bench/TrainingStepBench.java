package io.wattsweep.worker.train.bench;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.Workloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Training step time per model, scale and batch on this machine, and the achieved FLOP/s of each
 * 3DGAN step (its analytic FLOPs over its time) as a share of the FLOP/s a large matrix product
 * reaches in TensorFlow in the same run, timed the same way (wall time of {@code Session.run}).
 * Prints its figures and the load average around each; asserts nothing about speed.
 *
 * <p>Run: {@code ./mvnw -o -B -pl worker -am test -Dtest=TrainingStepBench -Dgroups=bench
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}. Options: {@code
 * -Dbench.configs=3dgan:1:2,3dgan:0.25:4:2} (model:scale:batch[:towers], comma-separated; towers
 * are data-parallel on as many logical CPU devices, default 1, the batch being global), {@code
 * -Dbench.precision=bf16} (default fp32; the test run turns oneDNN off, so a bf16 run needs it on
 * in the POM's surefire environment), {@code -Dbench.steps=N} timed steps per configuration
 * (default 3) after {@code -Dbench.warmup=N} (default 1), {@code -Dbench.matmul=N} the matrix side
 * (default 2048).
 */
@Tag("bench")
class TrainingStepBench {

  private static final String DEFAULT_CONFIGS =
      "3dgan:0.25:4,3dgan:0.25:32,3dgan:1:1,3dgan:1:2,3dgan:1:4,vae-progan:0.125:4";

  @Test
  void trainingStepTimes() throws IOException {
    String[] configs = System.getProperty("bench.configs", DEFAULT_CONFIGS).split(",");
    int steps = Integer.getInteger("bench.steps", 3);
    Precision precision =
        Precision.parse("bench.precision", System.getProperty("bench.precision", "fp32"));
    int warmup = Integer.getInteger("bench.warmup", 1);
    int side = Integer.getInteger("bench.matmul", 2048);
    System.out.printf(
        "%-11s %6s %6s %6s %10s %10s %10s %12s %10s %9s  %s%n",
        "MODEL",
        "SCALE",
        "BATCH",
        "TOWERS",
        "MEDIAN_S",
        "MIN_S",
        "MAX_S",
        "GFLOP/STEP",
        "GFLOP/S",
        "OF_MATMUL",
        "LOAD BEFORE -> AFTER");
    for (String config : configs) {
      String[] parts = config.trim().split(":");
      if (parts.length != 3 && parts.length != 4) {
        throw new IllegalArgumentException(
            "bench.configs entry must be model:scale:batch[:towers]: " + config);
      }
      String model = parts[0];
      double scale = Double.parseDouble(parts[1]);
      int batch = Integer.parseInt(parts[2]);
      int towers = parts.length == 4 ? Integer.parseInt(parts[3]) : 1;
      // The reference product right before each configuration, so both see the same load.
      double matmul = matmulFlopsPerSecond(side, 5);
      String before = load();
      double[] seconds = new double[steps];
      ModelInfo info;
      try (Workload w =
          Workloads.open(new WorkloadSpec(model, scale, precision, batch, towers, 1))) {
        info = w.info();
        for (int i = 0; i < warmup; i++) {
          finite(w.step());
        }
        for (int i = 0; i < steps; i++) {
          long start = System.nanoTime();
          finite(w.step());
          seconds[i] = (System.nanoTime() - start) / 1e9;
        }
      }
      double[] sorted = seconds.clone();
      Arrays.sort(sorted);
      double median = sorted[steps / 2];
      double achieved = info.flopsPerStep() / median;
      System.out.printf(
          "%-11s %6.3f %6d %6d %10.3f %10.3f %10.3f %,12.1f %10.2f %9s  %s -> %s  (matmul %.1f"
              + " GFLOP/s; steps %s)%n",
          model,
          scale,
          batch,
          towers,
          median,
          sorted[0],
          sorted[steps - 1],
          info.flopsPerStep() / 1e9,
          achieved / 1e9,
          model.equals("3dgan") ? String.format("%.3f", achieved / matmul) : "-",
          before,
          load(),
          matmul / 1e9,
          rounded(seconds));
    }
  }

  /**
   * FLOP/s of an n x n by n x n float product (2 n^3 FLOPs): the median of {@code reps} timed runs
   * after one warm-up, inputs drawn once into variables so nothing is folded away.
   */
  static double matmulFlopsPerSecond(int n, int reps) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var shape = tf.constant(new long[] {n, n});
      var a = tf.variable(tf.random.statelessRandomNormal(shape, tf.constant(new long[] {1, 2})));
      var b = tf.variable(tf.random.statelessRandomNormal(shape, tf.constant(new long[] {3, 4})));
      // Fetch a scalar: copying the n x n result out is not part of the product.
      var product = tf.sum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
      try (Session s = new Session(g)) {
        s.initialize();
        double[] seconds = new double[reps];
        for (int i = -1; i < reps; i++) {
          long start = System.nanoTime();
          try (Result r = s.runner().fetch(product).run()) {
            ((TFloat32) r.get(0)).getFloat();
          }
          if (i >= 0) {
            seconds[i] = (System.nanoTime() - start) / 1e9;
          }
        }
        Arrays.sort(seconds);
        return 2.0 * n * n * n / seconds[reps / 2];
      }
    }
  }

  private static void finite(StepLosses l) {
    if (!Double.isFinite(l.discriminator()) || !Double.isFinite(l.generator())) {
      throw new IllegalStateException("losses must be finite: " + l);
    }
  }

  private static String load() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
    return fields[0] + "/" + fields[1] + "/" + fields[2];
  }

  private static List<String> rounded(double[] seconds) {
    List<String> out = new ArrayList<>();
    for (double s : seconds) {
      out.add(String.format("%.2f", s));
    }
    return out;
  }
}
