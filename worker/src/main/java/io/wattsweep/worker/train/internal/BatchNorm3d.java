package io.wattsweep.worker.train.internal;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Keras' {@code BatchNormalization(epsilon=1e-6)} over the channels of a 3D activation, in training
 * mode: every run normalises with the statistics of its own batch, as Keras does while it trains.
 * The moving averages Keras keeps for inference are not kept, since nothing here runs inference.
 *
 * <p>Statistics are taken per replica group: the batch is split into {@code groups} equal parts and
 * each part is normalised by its own mean and variance, which is what each replica of TensorFlow's
 * MirroredStrategy does with an unsynchronised batch norm. One group is plain batch norm.
 */
final class BatchNorm3d {

  private static final float EPSILON = 1e-6f;

  private final Variable<TFloat32> gamma;
  private final Variable<TFloat32> beta;

  BatchNorm3d(Params params, String name, int channels) {
    gamma = params.ones(name, "gamma", channels);
    beta = params.zeros(name, "beta", channels);
  }

  /**
   * @param x (batch, x, y, z, channels) of {@code grid}'s shape
   * @param groups parts of the batch that keep their own statistics; must divide the batch
   */
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x, Grid grid, int groups) {
    Operand<TFloat32> grouped =
        groups == 1
            ? x
            : tf.reshape(
                x,
                tf.constant(new int[] {groups, -1, grid.x(), grid.y(), grid.z(), grid.channels()}));
    int first = groups == 1 ? 0 : 1;
    var axes = tf.constant(new int[] {first, first + 1, first + 2, first + 3});
    var mean = tf.math.mean(grouped, axes, Mean.keepDims(true));
    var centred = tf.math.sub(grouped, mean);
    var variance = tf.math.mean(tf.math.square(centred), axes, Mean.keepDims(true));
    var normed = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(EPSILON))));
    Operand<TFloat32> flat =
        groups == 1 ? normed : tf.reshape(normed, tf.constant(grid.batchShape()));
    return tf.math.add(tf.math.mul(flat, gamma), beta);
  }
}
