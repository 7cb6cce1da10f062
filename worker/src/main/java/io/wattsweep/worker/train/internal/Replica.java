package io.wattsweep.worker.train.internal;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * One replica of the data-parallel training, as a tower computes it: its slice of the global batch,
 * with its own batch-norm statistics and its own random draws (noise, dropout masks), seeded by its
 * index as MirroredStrategy's replicas draw their own.
 *
 * @param index the replica's tower
 * @param batch samples the replica holds
 * @param seed the run's seed
 */
public record Replica(int index, int batch, long seed) {

  /** Random streams of one replica never meet another's: stream ids are spaced this far. */
  private static final long STREAM_STRIDE = 1L << 16;

  public Replica {
    if (index < 0 || index >= STREAM_STRIDE || batch < 1) {
      throw new IllegalArgumentException(
          "a replica must have 0 <= index < "
              + STREAM_STRIDE
              + " and batch >= 1: "
              + index
              + ", "
              + batch);
    }
  }

  /** Fresh N(0, 1) draws each run, (batch, sampleShape...). */
  public Operand<TFloat32> normal(Ops tf, long stream, long... sampleShape) {
    return tf.random.randomStandardNormal(
        tf.constant(shape(sampleShape)),
        TFloat32.class,
        RandomStandardNormal.seed(seed),
        RandomStandardNormal.seed2(stream * STREAM_STRIDE + index));
  }

  /**
   * Keras' {@code Dropout(rate)} while training: each value kept with probability 1 - rate and
   * scaled by 1 / (1 - rate), with a fresh mask each run.
   */
  public Operand<TFloat32> dropout(
      Ops tf, Operand<TFloat32> x, Grid grid, float rate, long stream) {
    long[] cell = {grid.x(), grid.y(), grid.z(), grid.channels()};
    var draw =
        tf.random.randomUniform(
            tf.constant(shape(cell)),
            TFloat32.class,
            RandomUniform.seed(seed),
            RandomUniform.seed2(stream * STREAM_STRIDE + index));
    var kept = tf.dtypes.cast(tf.math.greaterEqual(draw, tf.constant(rate)), TFloat32.class);
    return tf.math.mul(x, tf.math.mul(kept, tf.constant(1f / (1f - rate))));
  }

  private long[] shape(long[] sampleShape) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = batch;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return shape;
  }
}
