package io.wattsweep.worker.train.threedgan;

import io.wattsweep.worker.train.internal.Params;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Keras' {@code BatchNormalization(epsilon=1e-6)} over the channels of a 3D activation, in training
 * mode: every run normalises with the statistics of its own batch, as Keras does while it trains.
 * The moving averages Keras keeps for inference are not kept, since nothing here runs inference.
 * Each tower normalises its own slice of the batch, as MirroredStrategy's replicas do with an
 * unsynchronised batch norm.
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
   * @param x (batch, x, y, z, channels)
   */
  Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    var axes = tf.constant(new int[] {0, 1, 2, 3});
    var mean = tf.math.mean(x, axes, Mean.keepDims(true));
    var centred = tf.math.sub(x, mean);
    var variance = tf.math.mean(tf.math.square(centred), axes, Mean.keepDims(true));
    var normed = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant(EPSILON))));
    return tf.math.add(tf.math.mul(normed, gamma), beta);
  }
}
