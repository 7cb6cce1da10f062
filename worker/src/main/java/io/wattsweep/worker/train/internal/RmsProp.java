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
 * the discriminator's and the generator's updates never touch each other's weights. One optimiser
 * may build several update ops (the discriminator's on real and on generated showers): they share
 * its accumulators, as Keras' one optimiser per compiled model does.
 */
public final class RmsProp {

  private static final float RHO = 0.9f;
  private static final float EPSILON = 1e-7f;

  private final List<Variable<TFloat32>> variables;
  private final List<Variable<TFloat32>> meanSquares = new ArrayList<>();
  private final List<Variable<TFloat32>> moments = new ArrayList<>();
  private final float rate;

  public RmsProp(Ops tf, List<Variable<TFloat32>> variables, float rate) {
    this.variables = variables;
    this.rate = rate;
    Ops init = tf.withInitScope();
    for (Variable<TFloat32> v : variables) {
      var zeros = init.zeros(init.constant(v.shape().asArray()), TFloat32.class);
      meanSquares.add(init.variable(zeros));
      moments.add(init.variable(zeros));
    }
  }

  /** One op that applies {@code gradients[i]} to {@code variables[i]} for every i. */
  public Op update(Ops tf, List<Operand<TFloat32>> gradients) {
    var lr = tf.constant(rate);
    var rho = tf.constant(RHO);
    var momentum = tf.constant(0f);
    var epsilon = tf.constant(EPSILON);
    GradientBarrier barrier = GradientBarrier.of(tf, gradients);
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      updates.add(
          barrier
              .gated()
              .train
              .applyRmsProp(
                  variables.get(i),
                  meanSquares.get(i),
                  moments.get(i),
                  lr,
                  rho,
                  momentum,
                  epsilon,
                  barrier.ready().get(i)));
    }
    return tf.withControlDependencies(updates).noOp();
  }
}
