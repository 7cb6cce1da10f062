package io.wattsweep.common.spec;

/**
 * What one full training means, for the extrapolation: the training-set size in samples and the
 * number of epochs.
 */
public record FullTraining(long datasetSize, int epochs) {
  public FullTraining {
    Checks.atLeast("fullTraining.datasetSize", datasetSize, 1);
    Checks.atLeast("fullTraining.epochs", epochs, 1);
  }

  /** Batches in one epoch at this global batch size (the last partial batch counts). */
  public long batchesPerEpoch(int globalBatchSize) {
    return (datasetSize + globalBatchSize - 1) / globalBatchSize;
  }
}
