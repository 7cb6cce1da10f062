package io.wattsweep.worker.train.internal;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One 3D convolution of the 3DGAN as Keras builds it: optional {@code ZeroPadding3D}, then {@code
 * Conv3D} with a bias, stride 1, VALID or SAME. Its kernel may differ per axis, as the published
 * network's (5, 6, 6) and (6, 6, 8) do.
 */
public final class Conv3dLayer {

  /** Keras' kernel initialisers that the published network names. */
  public enum Init {
    /** U(-l, l), l = sqrt(6 / fan in). */
    HE_UNIFORM,
    /** U(-l, l), l = sqrt(6 / (fan in + fan out)); Keras' default. */
    GLOROT_UNIFORM,
    /** Truncated normal, stddev sqrt(2 / (fan in + fan out)) / 0.8796 (Keras' correction). */
    GLOROT_NORMAL
  }

  private static final int[] NO_PADDING = {0, 0, 0};

  private final int[] kernel;
  private final int[] padding;
  private final boolean same;
  private final Grid input;
  private final Grid output;
  private final Compute compute;
  private final Variable<TFloat32> w;
  private final Variable<TFloat32> b;

  private Conv3dLayer(
      Params params,
      String name,
      Grid input,
      int[] padding,
      int[] kernel,
      int filters,
      boolean same,
      Init init) {
    this.kernel = kernel.clone();
    this.padding = padding.clone();
    this.same = same;
    this.input = input;
    this.compute = params.compute();
    this.output =
        same ? input.withChannels(filters) : input.padded(padding).convolved(kernel, filters);
    long receptive = (long) kernel[0] * kernel[1] * kernel[2];
    long fanIn = receptive * input.channels();
    long fanOut = receptive * filters;
    long[] shape = {kernel[0], kernel[1], kernel[2], input.channels(), filters};
    this.w =
        switch (init) {
          case HE_UNIFORM -> params.uniform(name, Math.sqrt(6.0 / fanIn), shape);
          case GLOROT_UNIFORM -> params.uniform(name, Math.sqrt(6.0 / (fanIn + fanOut)), shape);
          case GLOROT_NORMAL ->
              params.truncatedNormal(
                  name, Math.sqrt(2.0 / (fanIn + fanOut)) / Params.TRUNCATION_STDDEV, shape);
        };
    this.b = params.bias(name, filters);
  }

  /** SAME padding: the output keeps the input's cells. */
  public static Conv3dLayer same(
      Params params, String name, Grid input, int[] kernel, int filters, Init init) {
    return new Conv3dLayer(params, name, input, NO_PADDING, kernel, filters, true, init);
  }

  /** {@code padding} zeros on both sides of each axis, then a VALID convolution. */
  public static Conv3dLayer valid(
      Params params, String name, Grid input, int[] padding, int[] kernel, int filters, Init init) {
    return new Conv3dLayer(params, name, input, padding, kernel, filters, false, init);
  }

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> in = x;
    if (padding[0] + padding[1] + padding[2] > 0) {
      int[][] pads = {
        {0, 0}, {padding[0], padding[0]}, {padding[1], padding[1]}, {padding[2], padding[2]}, {0, 0}
      };
      in = tf.pad(x, tf.constant(pads), tf.constant(0f));
    }
    return tf.nn.biasAdd(compute.conv3d(tf, in, w, same ? "SAME" : "VALID"), b);
  }

  public Grid output() {
    return output;
  }

  /**
   * Multiply-adds of the forward pass for one sample: output cells x kernel volume x input channels
   * x filters (SAME's border cells counted in full, as the op computes them over the zeros).
   */
  public long macsPerSample() {
    return output.cells()
        * kernel[0]
        * kernel[1]
        * kernel[2]
        * input.channels()
        * output.channels();
  }
}
