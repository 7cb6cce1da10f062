package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * The replica groups one tower computes. The global batch is split into equal groups, one per
 * replica; each group has its own batch-norm statistics and its own random draws (noise, dropout
 * masks), seeded by its index. A tower normally holds one group; a single device may hold several,
 * and then computes exactly what that many towers would, which is how the towers are tested.
 *
 * @param first index of this tower's first group
 * @param count groups this tower holds
 * @param groupBatch samples per group
 * @param seed the run's seed
 */
record ReplicaGroups(int first, int count, int groupBatch, long seed) {

  /** Random streams of one group never meet another group's: stream ids are spaced this far. */
  private static final long STREAM_STRIDE = 1L << 16;

  ReplicaGroups {
    if (first < 0 || count < 1 || groupBatch < 1 || first + count > STREAM_STRIDE) {
      throw new IllegalArgumentException(
          "replica groups must be first >= 0, count >= 1, groupBatch >= 1: "
              + first
              + ", "
              + count
              + ", "
              + groupBatch);
    }
  }

  /** Samples this tower holds. */
  int batch() {
    return count * groupBatch;
  }

  /** Fresh N(0, 1) draws each run, (batch, sampleShape...), group by group. */
  Operand<TFloat32> normal(Ops tf, long stream, long... sampleShape) {
    List<Operand<TFloat32>> parts = new ArrayList<>();
    for (int g = first; g < first + count; g++) {
      parts.add(
          tf.random.randomStandardNormal(
              tf.constant(groupShape(sampleShape)),
              TFloat32.class,
              RandomStandardNormal.seed(seed),
              RandomStandardNormal.seed2(stream * STREAM_STRIDE + g)));
    }
    return joined(tf, parts);
  }

  /**
   * Keras' {@code Dropout(rate)} while training: each value kept with probability 1 - rate and
   * scaled by 1 / (1 - rate), with a fresh mask each run.
   */
  Operand<TFloat32> dropout(Ops tf, Operand<TFloat32> x, Grid grid, float rate, long stream) {
    long[] cell = {grid.x(), grid.y(), grid.z(), grid.channels()};
    List<Operand<TFloat32>> parts = new ArrayList<>();
    for (int g = first; g < first + count; g++) {
      parts.add(
          tf.random.randomUniform(
              tf.constant(groupShape(cell)),
              TFloat32.class,
              RandomUniform.seed(seed),
              RandomUniform.seed2(stream * STREAM_STRIDE + g)));
    }
    var kept =
        tf.dtypes.cast(tf.math.greaterEqual(joined(tf, parts), tf.constant(rate)), TFloat32.class);
    return tf.math.mul(x, tf.math.mul(kept, tf.constant(1f / (1f - rate))));
  }

  private long[] groupShape(long[] sampleShape) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = groupBatch;
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return shape;
  }

  private static Operand<TFloat32> joined(Ops tf, List<Operand<TFloat32>> parts) {
    return parts.size() == 1 ? parts.get(0) : tf.concat(parts, tf.constant(0));
  }
}
