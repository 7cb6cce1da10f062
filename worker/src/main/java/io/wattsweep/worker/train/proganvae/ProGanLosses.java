package io.wattsweep.worker.train.proganvae;

import io.wattsweep.worker.train.internal.Layers;
import io.wattsweep.worker.train.internal.PlacedGradients;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The VAE-ProGAN objectives for one tower: ProGAN's WGAN-GP (Gulrajani et al. 2017, as Karras et
 * al. 2018 use it: penalty weight 10 and a small drift term that keeps real scores near zero) for
 * each critic, and for the generator the two critics' scores.
 *
 * <p>The gradient penalty needs the critic's input gradient differentiated once more; TensorFlow's
 * C++ registry has those second-order gradients for every op the critics use (see {@link Layers}).
 */
final class ProGanLosses {

  static final float PENALTY_WEIGHT = 10f;
  static final float DRIFT_WEIGHT = 1e-3f;

  private ProGanLosses() {}

  /**
   * A critic's loss: mean fake score - mean real score + penalty on the input gradient's norm at
   * random points between real and fake + drift.
   *
   * @param mix per-sample weights in [0, 1], (batch, 1, 1, 1)
   * @param prefix unique name of the input gradient's ops
   */
  static Operand<TFloat32> critic(
      Graph graph,
      Ops tf,
      String prefix,
      TileCritic critic,
      Operand<TFloat32> real,
      Operand<TFloat32> fake,
      Operand<TFloat32> mix,
      int batch) {
    var realScore = critic.forward(tf, real, batch);
    var fakeScore = critic.forward(tf, fake, batch);
    var between = tf.math.add(fake, tf.math.mul(mix, tf.math.sub(real, fake)));
    var betweenScore = critic.forward(tf, between, batch);
    // An explicit seed of 1: the default OnesLike seed has no gradient, and this one gets one.
    Output<?>[] slope =
        PlacedGradients.add(
            graph,
            tf,
            prefix,
            new Output<?>[] {sum(tf, betweenScore).asOutput()},
            new Output<?>[] {between.asOutput()},
            new Output<?>[] {tf.constant(1f).asOutput()});
    @SuppressWarnings("unchecked")
    Operand<TFloat32> g = (Output<TFloat32>) slope[0];
    var norm =
        tf.math.sqrt(
            tf.math.add(
                tf.sum(tf.math.square(g), tf.constant(new int[] {1, 2, 3})), tf.constant(1e-12f)));
    var penalty = mean(tf, tf.math.square(tf.math.sub(norm, tf.constant(1f))));
    var wasserstein = tf.math.sub(mean(tf, fakeScore), mean(tf, realScore));
    var drift = mean(tf, tf.math.square(realScore));
    return tf.math.add(
        wasserstein,
        tf.math.add(
            tf.math.mul(tf.constant(PENALTY_WEIGHT), penalty),
            tf.math.mul(tf.constant(DRIFT_WEIGHT), drift)));
  }

  /** The generator's loss: -(local score) - (global score). */
  static Operand<TFloat32> generator(
      Ops tf, Operand<TFloat32> localScore, Operand<TFloat32> globalScore) {
    return tf.math.neg(tf.math.add(mean(tf, localScore), mean(tf, globalScore)));
  }

  /** The mean over every axis. */
  static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x) {
    return tf.math.mean(tf.reshape(x, tf.constant(new int[] {-1})), tf.constant(0));
  }

  private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> x) {
    return tf.sum(tf.reshape(x, tf.constant(new int[] {-1})), tf.constant(0));
  }
}
