package io.wattsweep.common.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A sweep as a user submits it: a model and the values of each axis. {@link #expand} turns it into
 * one job per point of the grid.
 *
 * <p>The model is a built-in one or {@code command:NAME}, a command workload that the workers'
 * operators configured ({@link CommandName}). A command workload runs at its own size (scale 1) and
 * has no built-in full training: {@code fullTraining} stays null unless the sweep gives one, and
 * the worker's commands file may then define it. A built-in model without a known full training
 * ({@link ModelName#defaultFullTraining()}) keeps null too: nothing is extrapolated.
 *
 * <p>{@code warmupBatches} and {@code measuredBatches} are minimums; {@code stopping} says how far
 * past them a job may go to let power settle and to reach a target precision. A command workload
 * runs exactly the counts it is given (it is told them before it starts), so its maximums must
 * equal its minimums.
 *
 * <p>{@code dataset}, for the 3DGAN only, is an absolute path on the workers to an HDF5 file of
 * showers in the published layout (or a directory of {@code .h5} files); null trains on synthetic
 * showers. The path is only checked for form here: the worker that runs a job reads it.
 *
 * <p>{@code batchSemantics} says whether {@code batchSize} is per GPU (null: the study's
 * convention, {@link BatchSemantics#PER_GPU}) or global, split over the GPUs.
 */
public record SweepSpec(
    String name,
    String model,
    double scale,
    List<String> gpuClass,
    List<Precision> precision,
    List<Integer> batchSize,
    List<Integer> gpus,
    int warmupBatches,
    int measuredBatches,
    FullTraining fullTraining,
    Map<String, String> metadata,
    StoppingRules stopping,
    String dataset,
    BatchSemantics batchSemantics) {

  /** Larger grids are refused: they are almost always a typo, and each job is minutes of GPU. */
  public static final int MAX_JOBS = 10_000;

  /** The catalog keeps names of at most this many characters. */
  public static final int MAX_NAME_LENGTH = 200;

  public static final int MAX_WARMUP_BATCHES = 1_000;
  public static final int MAX_MEASURED_BATCHES = 10_000;
  public static final int MAX_BATCH_SIZE = 65_536;

  /** One job runs on one node: more GPUs than any node holds is a typo. */
  public static final int MAX_GPUS = 64;

  /** The catalog keeps dataset paths of at most this many characters. */
  public static final int MAX_DATASET_LENGTH = 1000;

  /** The one model that reads showers from files. */
  static final String DATASET_MODEL = "3dgan";

  public static final int DEFAULT_WARMUP_BATCHES = 2;

  /** As in the study: energy per batch averaged over 10 measured batches. */
  public static final int DEFAULT_MEASURED_BATCHES = 10;

  /**
   * Warm-up goes on until power settles, at most this many batches (fewer where the sweep's
   * warmupBatches is higher): the cost bound of a run whose power never settles, such as one under
   * the CPU estimate, which follows utilization from batch to batch.
   */
  public static final int DEFAULT_MAX_WARMUP_BATCHES = 30;

  public SweepSpec {
    name = name == null || name.isBlank() ? model : name;
    Checks.printable("name", name, MAX_NAME_LENGTH);
    metadata = Metadata.check(metadata);
    ModelName.check("model", model);
    checkScale(scale);
    boolean command = CommandName.isCommand(model);
    if (command && scale != 1) {
      throw new IllegalArgumentException(
          "scale must be 1 for a command workload (scale sizes"
              + " the built-in models only): "
              + scale);
    }
    gpuClass = Checks.axis("gpuClass", gpuClass);
    gpuClass.forEach(c -> Checks.name("gpuClass", c));
    precision = Checks.axis("precision", precision);
    batchSize = Checks.axis("batchSize", batchSize);
    batchSize.forEach(b -> Checks.between("batchSize", b, 1, MAX_BATCH_SIZE));
    gpus = Checks.axis("gpus", gpus);
    gpus.forEach(g -> Checks.between("gpus", g, 1, MAX_GPUS));
    Checks.between("warmupBatches", warmupBatches, 0, MAX_WARMUP_BATCHES);
    Checks.between("measuredBatches", measuredBatches, 1, MAX_MEASURED_BATCHES);
    stopping =
        (stopping == null ? StoppingRules.fixed(warmupBatches, measuredBatches) : stopping)
            .checkAgainst(warmupBatches, measuredBatches);
    if (command && stopping.growsBeyond(warmupBatches, measuredBatches)) {
      throw new IllegalArgumentException(
          "maxWarmupBatches and maxMeasuredBatches must equal"
              + " warmupBatches and measuredBatches for a command workload (it runs the counts it is"
              + " given): "
              + stopping.maxWarmupBatches()
              + " and "
              + stopping.maxMeasuredBatches());
    }
    checkDataset(dataset, model);
    batchSemantics = batchSemantics == null ? BatchSemantics.PER_GPU : batchSemantics;
    if (fullTraining == null && !command) {
      fullTraining = ModelName.parse("model", model).defaultFullTraining().orElse(null);
    }
    long jobs = (long) gpuClass.size() * precision.size() * batchSize.size() * gpus.size();
    if (jobs > MAX_JOBS) {
      throw new IllegalArgumentException(
          "the grid must hold at most " + MAX_JOBS + " jobs: " + jobs);
    }
    for (int b : batchSize) {
      for (int g : gpus) {
        batchSemantics.perGpuBatchSize(b, g); // refuses a global batch that does not split
      }
    }
  }

  static double checkScale(double scale) {
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("scale must be in (0, 1]: " + scale);
    }
    return scale;
  }

  /**
   * Null, or an absolute path of printable characters for the 3DGAN: a relative path would depend
   * on each worker's working directory.
   */
  static String checkDataset(String dataset, String model) {
    if (dataset == null) {
      return null;
    }
    Checks.printable("dataset", dataset, MAX_DATASET_LENGTH);
    if (!DATASET_MODEL.equals(model)) {
      throw new IllegalArgumentException(
          "dataset is read by model "
              + DATASET_MODEL
              + " only, not "
              + Checks.quote(model)
              + ": "
              + Checks.quote(dataset));
    }
    if (!dataset.startsWith("/")) {
      throw new IllegalArgumentException(
          "dataset must be an absolute path on the workers: " + Checks.quote(dataset));
    }
    return dataset;
  }

  /**
   * The grid's jobs, in a fixed order, with ids derived from the sweep id and the point. A global
   * batch leaves the point as it was before per-GPU batches existed, so its ids do not change.
   */
  public List<JobSpec> expand(String sweepId) {
    var jobs = new ArrayList<JobSpec>();
    for (String cls : gpuClass) {
      for (Precision p : precision) {
        for (int b : batchSize) {
          for (int g : gpus) {
            String point =
                model
                    + "|"
                    + scale
                    + "|"
                    + cls
                    + "|"
                    + p
                    + "|"
                    + b
                    + "|"
                    + g
                    + (batchSemantics == BatchSemantics.GLOBAL ? "" : "|" + batchSemantics);
            jobs.add(
                new JobSpec(
                    jobId(sweepId, point),
                    sweepId,
                    model,
                    scale,
                    cls,
                    p,
                    b,
                    g,
                    warmupBatches,
                    measuredBatches,
                    fullTraining,
                    stopping,
                    dataset,
                    batchSemantics));
          }
        }
      }
    }
    return jobs;
  }

  private static String jobId(String sweepId, String point) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((sweepId + "|" + point).getBytes(StandardCharsets.UTF_8));
      return sweepId + "-" + HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
