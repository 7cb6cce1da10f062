package io.wattsweep.worker.train.threedgan;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The 3DGAN objective, as the published training compiles it for the discriminator and for the
 * combined model alike: binary cross-entropy on real/fake, mean absolute percentage error on the
 * primary energy, mean absolute error on the angle, mean absolute percentage error on the ECAL sum,
 * weighted 3, 0.1, 25 and 0.1.
 *
 * <p>The cross-entropy is computed from the logit (softplus), which equals Keras' on the sigmoid's
 * output without its clipping at 1e-7. The code's random flips of 5% of the real/fake labels are
 * left out: they change which labels a batch sees, not what a step costs.
 */
final class GanLosses {

  static final float REAL_FAKE_WEIGHT = 3f;
  static final float ENERGY_WEIGHT = 0.1f;
  static final float ANGLE_WEIGHT = 25f;
  static final float ECAL_WEIGHT = 0.1f;

  /** Keras' floor under a percentage error's denominator. */
  private static final float EPSILON = 1e-7f;

  /** What the heads should say about a batch, each (batch, 1). */
  record Targets(Operand<TFloat32> energy, Operand<TFloat32> angle, Operand<TFloat32> ecal) {}

  private GanLosses() {}

  /**
   * The weighted loss of one batch.
   *
   * @param real the real/fake label the batch should get: true for real showers, and for generated
   *     ones when the generator is trained
   */
  static Operand<TFloat32> of(Ops tf, Discriminator.Heads heads, boolean real, Targets targets) {
    // -log(sigmoid(x)) = softplus(-x); -log(1 - sigmoid(x)) = softplus(x).
    var crossEntropy =
        mean(tf, tf.math.softplus(real ? tf.math.neg(heads.logit()) : heads.logit()));
    return sum(
        tf,
        weighted(tf, REAL_FAKE_WEIGHT, crossEntropy),
        weighted(tf, ENERGY_WEIGHT, percentageError(tf, heads.energy(), targets.energy())),
        weighted(
            tf, ANGLE_WEIGHT, mean(tf, tf.math.abs(tf.math.sub(heads.angle(), targets.angle())))),
        weighted(tf, ECAL_WEIGHT, percentageError(tf, heads.ecal(), targets.ecal())));
  }

  /** Keras' MAPE: 100 x mean(|target - predicted| / max(|target|, 1e-7)). */
  private static Operand<TFloat32> percentageError(
      Ops tf, Operand<TFloat32> predicted, Operand<TFloat32> target) {
    var relative =
        tf.math.div(
            tf.math.abs(tf.math.sub(target, predicted)),
            tf.math.maximum(tf.math.abs(target), tf.constant(EPSILON)));
    return tf.math.mul(tf.constant(100f), mean(tf, relative));
  }

  private static Operand<TFloat32> weighted(Ops tf, float weight, Operand<TFloat32> x) {
    return tf.math.mul(tf.constant(weight), x);
  }

  @SafeVarargs
  private static Operand<TFloat32> sum(Ops tf, Operand<TFloat32>... terms) {
    Operand<TFloat32> total = terms[0];
    for (int i = 1; i < terms.length; i++) {
      total = tf.math.add(total, terms[i]);
    }
    return total;
  }

  private static Operand<TFloat32> mean(Ops tf, Operand<TFloat32> x) {
    return tf.math.mean(x, tf.constant(new int[] {0, 1}));
  }
}
