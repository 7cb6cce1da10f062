package io.wattsweep.coordinator.catalog;

import java.util.Map;

/**
 * A selection of runs; a null field selects everything on that axis.
 *
 * @param state a run state (COMPLETED, FAILED, RUNNING, ABANDONED, SUPERSEDED); null selects every
 *     state but SUPERSEDED, whose runs duplicate their job's result
 * @param metadata pairs the run's sweep must carry in its metadata; empty selects all
 */
public record RunFilter(
    String sweepId,
    String model,
    String gpuClass,
    String precision,
    Integer batchSize,
    Integer gpus,
    String state,
    Map<String, String> metadata) {

  public static final RunFilter ALL = new RunFilter(null, null, null, null, null, null, null);

  /** A selection that asks nothing of the sweep's metadata. */
  public RunFilter(
      String sweepId,
      String model,
      String gpuClass,
      String precision,
      Integer batchSize,
      Integer gpus,
      String state) {
    this(sweepId, model, gpuClass, precision, batchSize, gpus, state, Map.of());
  }

  public RunFilter {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  public RunFilter withModel(String m) {
    return new RunFilter(sweepId, m, gpuClass, precision, batchSize, gpus, state, metadata);
  }

  public RunFilter withState(String s) {
    return new RunFilter(sweepId, model, gpuClass, precision, batchSize, gpus, s, metadata);
  }
}
