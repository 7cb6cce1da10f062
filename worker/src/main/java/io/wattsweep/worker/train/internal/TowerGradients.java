package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The data-parallel arithmetic both GANs share: the global batch split across towers, each tower's
 * gradients, and their mean (what TensorFlow's MirroredStrategy does), with an optional static loss
 * scale for fp16.
 */
public final class TowerGradients {

  private TowerGradients() {}

  /** {@code x} split along its first axis into {@code n} equal parts; itself when n is 1. */
  public static List<Operand<TFloat32>> split(Ops tf, Operand<TFloat32> x, int n) {
    List<Operand<TFloat32>> parts = new ArrayList<>();
    if (n == 1) {
      parts.add(x);
      return parts;
    }
    tf.split(tf.constant(0), x, (long) n).forEach(parts::add);
    return parts;
  }

  /**
   * d(scaled loss)/d(variables), on the device of {@code tf}; every variable must be reachable, or
   * the graph is wrong.
   */
  public static List<Output<?>> of(
      Graph graph,
      Ops tf,
      String prefix,
      Operand<TFloat32> loss,
      LossScale lossScale,
      List<Variable<TFloat32>> variables) {
    Operand<TFloat32> scaled = lossScale.scaled(tf, loss);
    Output<?>[] xs = new Output<?>[variables.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = variables.get(i).asOutput();
    }
    Output<?>[] grads =
        PlacedGradients.add(graph, tf, prefix, new Output<?>[] {scaled.asOutput()}, xs, null);
    for (int i = 0; i < grads.length; i++) {
      if (grads[i] == null) {
        throw new IllegalStateException(
            "no gradient reaches " + variables.get(i).op().name() + " from " + prefix);
      }
    }
    return List.of(grads);
  }

  /** Per variable, the mean over towers of its gradient, with the loss scale undone. */
  @SuppressWarnings("unchecked")
  public static List<Operand<TFloat32>> averageEach(
      Ops tf, List<List<Output<?>>> perTower, LossScale lossScale) {
    List<Operand<TFloat32>> averaged = new ArrayList<>();
    for (int v = 0; v < perTower.get(0).size(); v++) {
      List<Operand<TFloat32>> parts = new ArrayList<>();
      for (List<Output<?>> tower : perTower) {
        parts.add((Output<TFloat32>) tower.get(v));
      }
      averaged.add(lossScale.unscaled(tf, average(tf, parts)));
    }
    return averaged;
  }

  /** The mean of the parts; an identity of the one part when there is one. */
  public static Operand<TFloat32> average(Ops tf, List<Operand<TFloat32>> parts) {
    float factor = 1f / parts.size();
    if (factor == 1f) {
      return tf.identity(parts.get(0));
    }
    Operand<TFloat32> sum = parts.size() == 1 ? parts.get(0) : tf.math.addN(parts);
    return tf.math.mul(sum, tf.constant(factor));
  }
}
