package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One optimizer's loss scale for fp16, dynamic as Keras' {@code LossScaleOptimizer} keeps it: the
 * loss is multiplied by the scale so that small gradients survive half precision; a step whose
 * gradients are not all finite is skipped (variables and optimizer slots untouched) and halves the
 * scale; {@value #GROWTH_STEPS} finite steps in a row double it. All of it runs in the graph, so a
 * step costs no extra session run. Without fp16, {@link #off()} changes nothing.
 */
public final class LossScale {

  /** Keras' initial dynamic scale, 2^15. */
  static final float INITIAL = 32768f;

  /** Finite steps in a row after which the scale doubles (Keras' default). */
  static final int GROWTH_STEPS = 2000;

  /** The current scale; null when off. */
  final Variable<TFloat32> scale;

  /** Finite steps since the scale last changed; null when off. */
  final Variable<TInt32> finiteSteps;

  private LossScale(Variable<TFloat32> scale, Variable<TInt32> finiteSteps) {
    this.scale = scale;
    this.finiteSteps = finiteSteps;
  }

  /** No scaling: every step applies its gradients. */
  public static LossScale off() {
    return new LossScale(null, null);
  }

  /** A dynamic scale whose state lives in {@code tf}'s scope, e.g. the optimizer's. */
  public static LossScale dynamic(Ops tf) {
    Ops init = tf.withInitScope();
    return new LossScale(
        init.withName("loss_scale").variable(init.constant(INITIAL)),
        init.withName("finite_steps").variable(init.constant(0)));
  }

  /** The loss to differentiate. */
  Operand<TFloat32> scaled(Ops tf, Operand<TFloat32> loss) {
    return scale == null ? loss : tf.math.mul(loss, scale);
  }

  /** A gradient of the scaled loss brought back to the loss's own. */
  Operand<TFloat32> unscaled(Ops tf, Operand<TFloat32> gradient) {
    return scale == null ? gradient : tf.math.div(gradient, scale);
  }

  /**
   * The update that {@code apply} builds, run only when every gradient is finite, together with the
   * scale's adjustment for this step.
   *
   * @param gradients unscaled; {@code apply} gets them as values that exist only when all are
   *     finite
   */
  public Op guard(
      Ops tf, List<Operand<TFloat32>> gradients, Function<List<Operand<TFloat32>>, Op> apply) {
    if (scale == null) {
      return apply.apply(gradients);
    }
    Operand<TBool> finite = allFinite(tf, gradients);
    List<Operand<TFloat32>> passed = new ArrayList<>();
    for (Operand<TFloat32> g : gradients) {
      // Switch: with a false predicate its true output is dead, and so is every op fed by it.
      passed.add(tf.switchCond(g, finite).outputTrue());
    }
    Op update = apply.apply(passed);
    return tf.withControlDependencies(List.of(update, adjust(tf, finite))).noOp();
  }

  private static Operand<TBool> allFinite(Ops tf, List<Operand<TFloat32>> gradients) {
    Operand<TBool> all = tf.constant(true);
    for (Operand<TFloat32> g : gradients) {
      var finite = tf.math.isFinite(g);
      var axes = tf.range(tf.constant(0), tf.rank(g), tf.constant(1));
      all = tf.math.logicalAnd(all, tf.reduceAll(finite, axes));
    }
    return all;
  }

  /** Halves the scale (not below 1) on a non-finite step; doubles it after enough finite ones. */
  private Op adjust(Ops tf, Operand<TBool> finite) {
    var counted = tf.math.add(finiteSteps, tf.constant(1));
    var grow = tf.math.logicalAnd(finite, tf.math.greaterEqual(counted, tf.constant(GROWTH_STEPS)));
    var halved = tf.math.maximum(tf.math.div(scale, tf.constant(2f)), tf.constant(1f));
    var kept = tf.select(finite, tf.identity(scale), halved);
    var newScale = tf.select(grow, tf.math.mul(scale, tf.constant(2f)), kept);
    var newSteps =
        tf.select(tf.math.logicalAnd(finite, tf.math.logicalNot(grow)), counted, tf.constant(0));
    // Both new values are read before either is written.
    Ops after = tf.withControlDependencies(List.of(newScale, newSteps));
    return tf.withControlDependencies(
            List.of(after.assign(scale, newScale), after.assign(finiteSteps, newSteps)))
        .noOp();
  }
}
