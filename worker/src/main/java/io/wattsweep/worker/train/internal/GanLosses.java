package io.wattsweep.worker.train.internal;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The 3DGAN objectives for one tower: a real/fake sigmoid cross-entropy plus, as in the paper, an
 * auxiliary primary-energy regression and (generator only) a match of the total deposit ("ECAL
 * sum") to the energy it was asked for. Mean absolute errors keep the auxiliary terms bounded.
 */
final class GanLosses {

  /** Weights of the auxiliary terms against the cross-entropy; the paper's ratios, rounded. */
  static final float ENERGY_WEIGHT = 0.1f;

  static final float ECAL_WEIGHT = 0.1f;

  private GanLosses() {}

  /** Discriminator: real showers labelled 1, generated ones 0, energy regressed on both. */
  static Operand<TFloat32> discriminator(
      Ops tf, Discriminator.Heads real, Discriminator.Heads fake, Operand<TFloat32> energy) {
    var bce = tf.math.add(bceReal(tf, real.logit()), bceFake(tf, fake.logit()));
    var aux = tf.math.add(mae(tf, real.energy(), energy), mae(tf, fake.energy(), energy));
    return tf.math.add(bce, tf.math.mul(tf.constant(ENERGY_WEIGHT), aux));
  }

  /** Generator: fool the discriminator, at the asked energy, with the right total deposit. */
  static Operand<TFloat32> generator(
      Ops tf, Discriminator.Heads judged, Operand<TFloat32> showers, Operand<TFloat32> energy) {
    var ecal =
        tf.reshape(
            tf.sum(showers, tf.constant(new int[] {1, 2, 3, 4})), tf.constant(new int[] {-1, 1}));
    var expected = tf.math.mul(energy, tf.constant(ShowerData.DEPOSIT_PER_UNIT));
    var aux = tf.math.mul(tf.constant(ENERGY_WEIGHT), mae(tf, judged.energy(), energy));
    var sum = tf.math.mul(tf.constant(ECAL_WEIGHT), mae(tf, ecal, expected));
    return tf.math.add(bceReal(tf, judged.logit()), tf.math.add(aux, sum));
  }

  /** Mean of -log(sigmoid(x)) = softplus(-x): the stable form of the cross-entropy with 1. */
  private static Operand<TFloat32> bceReal(Ops tf, Operand<TFloat32> logit) {
    return mean(tf, tf.math.softplus(tf.math.neg(logit)));
  }

  /** Mean of -log(1 - sigmoid(x)) = softplus(x). */
  private static Operand<TFloat32> bceFake(Ops tf, Operand<TFloat32> logit) {
    return mean(tf, tf.math.softplus(logit));
  }

  private static Operand<TFloat32> mae(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    return mean(tf, tf.math.abs(tf.math.sub(a, b)));
  }

  private static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x) {
    return tf.math.mean(x, tf.constant(new int[] {0, 1}));
  }
}
