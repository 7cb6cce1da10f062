package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Adam over one variable list only, with TensorFlow's raw {@code ApplyAdam} op, so that each
 * network's update touches its own weights and nothing else.
 */
public final class Adam {

  /**
   * Hyper-parameters.
   *
   * @param rate learning rate
   * @param beta1 decay of the first moment
   * @param beta2 decay of the second moment
   * @param epsilon added to the root of the second moment
   */
  public record Settings(float rate, float beta1, float beta2, float epsilon) {
    /** ProGAN's (Karras et al. 2018, section A.1): no first-moment momentum at all. */
    public static final Settings PROGAN = new Settings(1e-3f, 0f, 0.99f, 1e-8f);
  }

  private Adam() {}

  /**
   * One op that applies {@code gradients[i]} to {@code variables[i]} for every i, then advances the
   * bias corrections.
   *
   * @param barrier built over at least these gradients; updates run once it is passed
   * @param gradients values from {@code barrier.ready()}
   */
  public static Op apply(
      Ops tf,
      GradientBarrier barrier,
      List<Variable<TFloat32>> variables,
      List<Operand<TFloat32>> gradients,
      Settings s) {
    Ops init = tf.withInitScope();
    // beta^t for the bias corrections, one pair per optimizer, advanced after every update.
    Variable<TFloat32> beta1Power = init.withName("beta1_power").variable(init.constant(s.beta1()));
    Variable<TFloat32> beta2Power = init.withName("beta2_power").variable(init.constant(s.beta2()));
    var lr = tf.constant(s.rate());
    var beta1 = tf.constant(s.beta1());
    var beta2 = tf.constant(s.beta2());
    var epsilon = tf.constant(s.epsilon());
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> v = variables.get(i);
      var zeros = init.zeros(init.constant(v.shape().asArray()), TFloat32.class);
      Variable<TFloat32> m = init.variable(zeros);
      Variable<TFloat32> second = init.variable(zeros);
      updates.add(
          barrier
              .gated()
              .train
              .applyAdam(
                  v,
                  m,
                  second,
                  beta1Power,
                  beta2Power,
                  lr,
                  beta1,
                  beta2,
                  epsilon,
                  gradients.get(i)));
    }
    Ops afterUpdates = tf.withControlDependencies(updates);
    Op advance1 = afterUpdates.assign(beta1Power, afterUpdates.math.mul(beta1Power, beta1));
    Op advance2 = afterUpdates.assign(beta2Power, afterUpdates.math.mul(beta2Power, beta2));
    return tf.withControlDependencies(List.of(advance1, advance2)).noOp();
  }
}
