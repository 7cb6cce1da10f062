package io.wattsweep.common.spec;

/**
 * What one full training means, for the extrapolation: the training-set size in samples and the
 * number of epochs.
 */
public record FullTraining(long datasetSize, int epochs) {
  /** A trillion samples, a million epochs: beyond any training, so a typo. */
  public static final long MAX_DATASET_SIZE = 1_000_000_000_000L;

  public static final int MAX_EPOCHS = 1_000_000;

  public FullTraining {
    Checks.between("fullTraining.datasetSize", datasetSize, 1, MAX_DATASET_SIZE);
    Checks.between("fullTraining.epochs", epochs, 1, MAX_EPOCHS);
  }

  /**
   * Batches in one epoch at this global batch size as the study counts them, {@code datasetSize //
   * globalBatchSize}: a last partial batch is not trained; a dataset smaller than one batch is one
   * batch.
   */
  public long batchesPerEpoch(int globalBatchSize) {
    return Math.max(1, datasetSize / globalBatchSize);
  }
}
