package io.wattsweep.worker.train.proganvae;

import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.Layers;
import io.wattsweep.worker.train.internal.Params;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The variables of a network built row by row from its layer table, with ProGAN's equalized
 * learning rate: weights are N(0, 1) and scaled by gain / sqrt(fan-in) each time they are used.
 */
final class TableNet {

  private static final float HIDDEN_GAIN = (float) Math.sqrt(2);

  private final List<LayerSpec> table;
  private final Params params;
  private final List<Variable<TFloat32>> weights = new ArrayList<>();
  private final List<Variable<TFloat32>> biases = new ArrayList<>();

  /**
   * @param tf the network's scope, e.g. {@code tf.withSubScope("generator")}
   * @param stream distinguishes networks so that they never draw the same numbers
   * @param compute what the products compute in
   */
  TableNet(Ops tf, long seed, long stream, List<LayerSpec> table, Compute compute) {
    this.table = List.copyOf(table);
    this.params = new Params(tf, seed, stream, compute);
    for (LayerSpec layer : table) {
      weights.add(params.unitWeight(layer.name(), layer.weightShape()));
      biases.add(params.bias(layer.name(), layer.out()));
    }
  }

  /** Row {@code i} applied to {@code x}: convolution or matrix product, bias, then activation. */
  Operand<TFloat32> apply(Ops tf, int i, Operand<TFloat32> x) {
    LayerSpec layer = table.get(i);
    float gain = layer.linear() ? 1f : HIDDEN_GAIN;
    var w = tf.math.mul(weights.get(i), tf.constant((float) (gain / Math.sqrt(layer.fanIn()))));
    Operand<TFloat32> y =
        layer.isDense()
            ? params.compute().dense(tf, x, w, biases.get(i))
            : params.compute().conv2d(tf, x, w, biases.get(i), layer.stride());
    return layer.linear() ? y : Layers.leakyRelu(tf, y);
  }

  LayerSpec layer(int i) {
    return table.get(i);
  }

  int size() {
    return table.size();
  }

  Params params() {
    return params;
  }

  /** Parameters counted from the table (the test checks they match the variables). */
  static long parameters(List<LayerSpec> table) {
    return table.stream().mapToLong(LayerSpec::parameters).sum();
  }

  static long macsPerSample(List<LayerSpec> table) {
    return table.stream().mapToLong(LayerSpec::macsPerSample).sum();
  }
}
