package io.wattsweep.worker.train;

import io.wattsweep.common.spec.BuiltInModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code wattsweep models}: a table of every model at a few scales, with parameters per network and
 * GFLOPs per training step at the model's study batch. Arguments, if any, are the scales to list
 * (default 1 and 0.25).
 */
public final class ModelsCommand {

  private static final List<Double> DEFAULT_SCALES = List.of(1.0, 0.25);

  /** The published size, which the study's parameter counts are for. */
  private static final double FULL_SIZE = 1.0;

  private ModelsCommand() {}

  public static void main(String[] args) {
    List<Double> scales = new ArrayList<>();
    for (String a : args) {
      try {
        scales.add(Double.parseDouble(a));
      } catch (NumberFormatException e) {
        System.err.println("scale must be a number in (0, 1]: '" + a + "'");
        System.exit(2);
      }
    }
    try {
      print(System.out, scales.isEmpty() ? DEFAULT_SCALES : scales);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  /**
   * Writes the table, then for each model where its batch comes from, its parameters beside the
   * study's, its full training with where that comes from, and how its FLOPs are counted.
   */
  public static void print(PrintStream out, List<Double> scales) {
    out.printf(
        "%-11s %6s %6s %12s %13s  %s%n",
        "MODEL", "SCALE", "BATCH", "GFLOP/STEP", "PARAMETERS", "PER NETWORK");
    for (BuiltInModel m : BuiltInModel.values()) {
      for (double scale : scales) {
        ModelInfo info = Workloads.describe(m, scale, m.studyBatchSize());
        out.printf(
            "%-11s %6.3f %6d %,12.1f %,13d  %s%n",
            m.wireName(),
            scale,
            m.studyBatchSize(),
            info.flopsPerStep() / 1e9,
            info.totalParameters(),
            perNetwork(info.parametersByNetwork()));
      }
    }
    out.println();
    for (BuiltInModel m : BuiltInModel.values()) {
      ModelInfo info = Workloads.describe(m, FULL_SIZE, 1);
      out.printf("%s: %s (%s)%n", m.wireName(), m.description(), m.citation());
      out.printf("  batch %d: %s%n", m.studyBatchSize(), m.studyBatchSource());
      out.printf(
          "  parameters: ours %s; the study's %s (%s)%n",
          perNetwork(info.parametersByNetwork()),
          perNetwork(m.studyParameters()),
          m.studyParametersSource());
      out.printf("  full training: %s%n", fullTraining(m));
      out.printf("  FLOPs: %s%n", info.flopsMethod());
    }
  }

  private static String fullTraining(BuiltInModel m) {
    return m.defaultFullTraining()
        .map(
            t -> {
              long perEpoch = t.batchesPerEpoch(m.studyBatchSize());
              return String.format(
                  "%,d samples x %d epochs: %,d batches an epoch at batch %d, %,d in all (%s)",
                  t.datasetSize(),
                  t.epochs(),
                  perEpoch,
                  m.studyBatchSize(),
                  perEpoch * t.epochs(),
                  m.fullTrainingSource());
            })
        .orElse(m.fullTrainingSource());
  }

  private static String perNetwork(Map<String, Long> networks) {
    List<String> parts = new ArrayList<>();
    networks.forEach((name, n) -> parts.add(String.format("%s %,d", name, n)));
    return String.join(" | ", parts);
  }
}
