package io.wattsweep.worker.train.internal;

import java.lang.reflect.Method;
import java.util.Iterator;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.Ops;

/**
 * {@link Graph#addGradients}, with every op it builds on the device of the scope it is built from:
 * a tower's backward pass on the tower's device, as MirroredStrategy places it.
 *
 * <p>The C API builds gradients in a scope of its own, on no device, so TensorFlow would place them
 * all on device 0; and TensorFlow Java cannot set an op's device once built. The C API's {@code
 * TF_SetRequestedDevice} (what Python's {@code op._set_device} calls) can, given the graph's native
 * handle, which TensorFlow Java keeps package-private: it is reached by reflection, and only before
 * a session runs the graph.
 */
public final class PlacedGradients {

  private PlacedGradients() {}

  /**
   * d(sum of ys)/d(xs), seeded with {@code dys} (null for ones), built under {@code prefix} and,
   * when {@code tf} has a device, placed on it.
   */
  public static Output<?>[] add(
      Graph graph, Ops tf, String prefix, Output<?>[] ys, Output<?>[] xs, Output<?>[] dys) {
    Output<?>[] gradients = graph.addGradients(prefix, ys, xs, dys);
    String device = tf.scope().getDeviceString();
    if (device != null && !device.isEmpty()) {
      // addGradients refuses a prefix already in use: the ops under it are the ones it built.
      place(graph, prefix + "/", device);
    }
    return gradients;
  }

  /** Requests {@code device} for every op whose name starts with {@code scope}. */
  private static void place(Graph graph, String scope, String device) {
    Object reference = invoke(graph, Graph.class, "ref");
    try {
      TF_Graph handle = (TF_Graph) invoke(reference, reference.getClass(), "nativeHandle");
      for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.name().startsWith(scope)) {
          tensorflow.TF_SetRequestedDevice(handle, op.getUnsafeNativeHandle(), device);
        }
      }
    } finally {
      invoke(reference, reference.getClass(), "close");
    }
  }

  private static Object invoke(Object target, Class<?> type, String method) {
    try {
      Method m = type.getDeclaredMethod(method);
      m.setAccessible(true);
      return m.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot place gradients with this TensorFlow Java ("
              + type.getName()
              + "."
              + method
              + "): "
              + e,
          e);
    }
  }
}
