package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Shape;
import org.tensorflow.op.nn.Conv3d;
import org.tensorflow.op.nn.Conv3dBackpropFilter;
import org.tensorflow.op.nn.Conv3dBackpropInput;
import org.tensorflow.types.family.TNumber;

/**
 * The gradient of {@code Conv3D}, which TensorFlow's C++ gradient registry lacks, built from the V2
 * backprop ops (they take the input and filter sizes as tensors).
 */
public final class Conv3dGradient {

  private static boolean registered;

  private Conv3dGradient() {}

  /** Registers the gradient for this JVM; later calls do nothing. */
  public static synchronized void register() {
    if (registered) {
      return;
    }
    // False means a gradient already exists (a future TF release); that one is then used.
    TensorFlow.registerCustomGradient(Conv3d.Inputs.class, Conv3dGradient::gradient);
    registered = true;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Operand<?>> gradient(Ops tf, Conv3d.Inputs<?> op, List<Output<?>> upstream) {
    Scope at = tf.scope();
    Operand dy = upstream.get(0);
    Operand input = op.input;
    Operand filter = op.filter;
    List<Long> strides = boxed(op.strides);
    Operand<? extends TNumber> dx =
        Conv3dBackpropInput.create(
            at,
            Shape.create(at, input),
            filter,
            dy,
            strides,
            op.padding,
            Conv3dBackpropInput.dataFormat(op.dataFormat),
            Conv3dBackpropInput.dilations(boxed(op.dilations)));
    Operand<? extends TNumber> dw =
        Conv3dBackpropFilter.create(
            at,
            input,
            Shape.create(at, filter),
            dy,
            strides,
            op.padding,
            Conv3dBackpropFilter.dataFormat(op.dataFormat),
            Conv3dBackpropFilter.dilations(boxed(op.dilations)));
    return List.of(dx, dw);
  }

  private static List<Long> boxed(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return list;
  }
}
