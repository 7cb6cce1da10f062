package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Gradients that every update of one session run waits for. Ref variables are read in place: an
 * update that ran before another layer's backprop had read its weights would change them under it
 * (a layer's gradient reads the weights of the layers after it on its way back).
 *
 * @param gated builds ops that run only once every gradient is computed
 * @param ready the gradients, in the order given, as values that exist once the barrier is passed
 */
public record GradientBarrier(Ops gated, List<Operand<TFloat32>> ready) {

  public static GradientBarrier of(Ops tf, List<Operand<TFloat32>> gradients) {
    List<Operand<TFloat32>> ready = new ArrayList<>();
    for (Operand<TFloat32> g : gradients) {
      ready.add(tf.identity(g));
    }
    List<Op> all = new ArrayList<>();
    ready.forEach(r -> all.add((Op) r));
    return new GradientBarrier(tf.withControlDependencies(all), List.copyOf(ready));
  }
}
