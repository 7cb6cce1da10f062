package io.wattsweep.coordinator.catalog;

/**
 * A selection of runs; a null field selects everything on that axis.
 *
 * @param state a run state (COMPLETED, FAILED, RUNNING, ABANDONED)
 */
public record RunFilter(
    String sweepId, String model, String gpuClass, String precision, Integer batchSize,
    Integer gpus, String state) {

  public static final RunFilter ALL = new RunFilter(null, null, null, null, null, null, null);

  public RunFilter withModel(String m) {
    return new RunFilter(sweepId, m, gpuClass, precision, batchSize, gpus, state);
  }

  public RunFilter withState(String s) {
    return new RunFilter(sweepId, model, gpuClass, precision, batchSize, gpus, s);
  }
}
