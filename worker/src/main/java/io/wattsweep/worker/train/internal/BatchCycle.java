package io.wattsweep.worker.train.internal;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt32;

/**
 * Which samples of a prepared pool make each batch: consecutive ones, wrapping around the pool. The
 * graph gathers the batch from the pool by these indices, so the batch itself is allocated by
 * TensorFlow: a batch too large for memory then fails as TensorFlow's out-of-memory error instead
 * of an array allocation in the JVM.
 */
public final class BatchCycle {

  /** Pools hold at most four batches, and at most this many bytes of samples. */
  static final long MAX_POOL_BYTES = 64L << 20;

  private static final int BATCHES_PER_POOL = 4;

  private final int poolSize;
  private final int batchSize;
  private long next;

  public BatchCycle(int poolSize, int batchSize) {
    this.poolSize = poolSize;
    this.batchSize = batchSize;
  }

  /** Samples worth preparing: four batches, or fewer if that would pass the byte limit. */
  public static int poolSize(int batchSize, long bytesPerSample) {
    long fit = Math.max(1, MAX_POOL_BYTES / bytesPerSample);
    return (int) Math.min((long) BATCHES_PER_POOL * batchSize, fit);
  }

  /** The next batch's indices into the pool, (batch); the caller closes it. */
  public TInt32 next() {
    int[] indices = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      indices[i] = (int) ((next + i) % poolSize);
    }
    next = (next + batchSize) % poolSize;
    return TInt32.tensorOf(Shape.of(batchSize), DataBuffers.of(indices, true, false));
  }
}
