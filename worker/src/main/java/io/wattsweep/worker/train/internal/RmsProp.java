package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * RMSprop over one variable list only (Keras defaults: rho 0.9, no momentum, epsilon 1e-7), so that
 * the discriminator's and the generator's updates never touch each other's weights.
 */
final class RmsProp {

  private static final float RHO = 0.9f;
  private static final float EPSILON = 1e-7f;

  private RmsProp() {}

  /** One op that applies {@code gradients[i]} to {@code variables[i]} for every i. */
  static Op apply(
      Ops tf, List<Variable<TFloat32>> variables, List<Operand<TFloat32>> gradients, float rate) {
    Ops init = tf.withInitScope();
    var lr = tf.constant(rate);
    var rho = tf.constant(RHO);
    var momentum = tf.constant(0f);
    var epsilon = tf.constant(EPSILON);
    GradientBarrier barrier = GradientBarrier.of(tf, gradients);
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> v = variables.get(i);
      var zeros = init.zeros(init.constant(v.shape().asArray()), TFloat32.class);
      Variable<TFloat32> meanSquare = init.variable(zeros);
      Variable<TFloat32> moment = init.variable(zeros);
      updates.add(
          barrier
              .gated()
              .train
              .applyRmsProp(
                  v, meanSquare, moment, lr, rho, momentum, epsilon, barrier.ready().get(i)));
    }
    return tf.withControlDependencies(updates).noOp();
  }
}
