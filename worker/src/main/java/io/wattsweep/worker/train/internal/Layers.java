package io.wattsweep.worker.train.internal;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * The layer shapes the networks are made of, as raw TensorFlow ops: 3D ones for the 3DGAN (NDHWC
 * layout; its convolutions are {@link Conv3dLayer}), 2D ones for the VAE-ProGAN (NHWC); products
 * are {@link Compute}'s. Everything the ProGAN critic uses has a second-order gradient in
 * TensorFlow's C++ registry, which its gradient penalty needs.
 */
public final class Layers {

  private Layers() {}

  /** LeakyReLU with ProGAN's slope, 0.2. */
  public static Operand<TFloat32> leakyRelu(Ops tf, Operand<TFloat32> x) {
    return leakyRelu(tf, x, 0.2f);
  }

  public static Operand<TFloat32> leakyRelu(Ops tf, Operand<TFloat32> x, float alpha) {
    return tf.nn.leakyRelu(x, LeakyRelu.alpha(alpha));
  }

  /**
   * Keras' {@code UpSampling3D}: each cell repeated {@code factor} times along x, y and z. Reshape
   * and Tile have registered gradients, whereas a transposed convolution would need a second custom
   * gradient.
   */
  public static Operand<TFloat32> upsample3d(Ops tf, Operand<TFloat32> x, Grid grid, int factor) {
    // Batch and x merge into the leading axis: Tile then stays within rank 7.
    var spread =
        tf.reshape(x, tf.constant(new int[] {-1, 1, grid.y(), 1, grid.z(), 1, grid.channels()}));
    var tiled = tf.tile(spread, tf.constant(new int[] {1, factor, 1, factor, 1, factor, 1}));
    return tf.reshape(tiled, tf.constant(grid.upsampled(factor).batchShape()));
  }

  /** Nearest-neighbour 2x upsampling of (batch, h, w, c), as ProGAN's generator grows. */
  public static Operand<TFloat32> upsample2d(Ops tf, Operand<TFloat32> x, int h, int w, int c) {
    var spread = tf.reshape(x, tf.constant(new int[] {-1, 1, w, 1, c}));
    var tiled = tf.tile(spread, tf.constant(new int[] {1, 2, 1, 2, 1}));
    return tf.reshape(tiled, tf.constant(new int[] {-1, 2 * h, 2 * w, c}));
  }

  /**
   * 2x2 average pooling of (batch, h, w, c) as a reshape and a mean: the gradient of AvgPool's own
   * gradient is missing from the C++ registry, and the gradient penalty differentiates it.
   */
  public static Operand<TFloat32> downsample2d(Ops tf, Operand<TFloat32> x, int h, int w, int c) {
    var blocks = tf.reshape(x, tf.constant(new int[] {-1, h / 2, 2, w / 2, 2, c}));
    return tf.math.mean(blocks, tf.constant(new int[] {2, 4}));
  }

  /** ProGAN's pixelwise feature normalisation: each pixel's feature vector to unit mean square. */
  public static Operand<TFloat32> pixelNorm(Ops tf, Operand<TFloat32> x) {
    var meanSquare = tf.math.mean(tf.math.square(x), tf.constant(-1), Mean.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.add(meanSquare, tf.constant(1e-8f))));
  }

  /**
   * ProGAN's minibatch standard deviation: one extra channel holding, for each group of samples,
   * the feature-wise standard deviation averaged over features and pixels.
   *
   * @param group samples per group; must divide the batch
   */
  public static Operand<TFloat32> minibatchStddev(
      Ops tf, Operand<TFloat32> x, int group, int h, int w, int c) {
    var grouped = tf.reshape(x, tf.constant(new int[] {group, -1, h, w, c}));
    var centred = tf.math.sub(grouped, tf.math.mean(grouped, tf.constant(0), Mean.keepDims(true)));
    var variance = tf.math.mean(tf.math.square(centred), tf.constant(0));
    // sqrt as exp(log / 2): the C++ registry has no gradient for SqrtGrad, which the penalty needs.
    var stddev =
        tf.math.exp(
            tf.math.mul(tf.constant(0.5f), tf.math.log(tf.math.add(variance, tf.constant(1e-8f)))));
    var perGroup =
        tf.reshape(
            tf.math.mean(stddev, tf.constant(new int[] {1, 2, 3})),
            tf.constant(new int[] {1, -1, 1, 1, 1}));
    var channel =
        tf.reshape(
            tf.tile(perGroup, tf.constant(new int[] {group, 1, h, w, 1})),
            tf.constant(new int[] {-1, h, w, 1}));
    return tf.concat(List.of(x, channel), tf.constant(3));
  }
}
