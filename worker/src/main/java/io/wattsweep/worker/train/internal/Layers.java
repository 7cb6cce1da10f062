package io.wattsweep.worker.train.internal;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/** The few layer shapes both networks are made of, as raw TensorFlow ops (NDHWC layout). */
final class Layers {

  private Layers() {}

  static Operand<TFloat32> dense(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> b) {
    return tf.nn.biasAdd(tf.linalg.matMul(x, w), b);
  }

  /** A 3D convolution with SAME padding and the same stride along all three axes. */
  static Operand<TFloat32> conv(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> b, long stride) {
    return tf.nn.biasAdd(tf.nn.conv3d(x, w, List.of(1L, stride, stride, stride, 1L), "SAME"), b);
  }

  static Operand<TFloat32> leakyRelu(Ops tf, Operand<TFloat32> x) {
    return tf.nn.leakyRelu(x, LeakyRelu.alpha(0.2f));
  }

  /**
   * Nearest-neighbour 2x upsampling along x, y and z. Reshape and Tile have registered gradients,
   * whereas a transposed convolution would need a second custom gradient.
   */
  static Operand<TFloat32> upsample2(Ops tf, Operand<TFloat32> x, int dx, int dy, int dz, int c) {
    // Batch and x merge into the leading axis: Tile then stays within rank 7.
    var spread = tf.reshape(x, tf.constant(new int[] {-1, 1, dy, 1, dz, 1, c}));
    var tiled = tf.tile(spread, tf.constant(new int[] {1, 2, 1, 2, 1, 2, 1}));
    return tf.reshape(tiled, tf.constant(new int[] {-1, 2 * dx, 2 * dy, 2 * dz, c}));
  }

  /** Keeps the centred {@code xy x xy x z} block of a grid of {@code fromXy x fromXy x fromZ}. */
  static Operand<TFloat32> centreCrop(
      Ops tf, Operand<TFloat32> x, int fromXy, int fromZ, int xy, int z) {
    int oxy = (fromXy - xy) / 2;
    int oz = (fromZ - z) / 2;
    return tf.stridedSlice(
        x,
        Indices.all(),
        Indices.range(oxy, oxy + xy),
        Indices.range(oxy, oxy + xy),
        Indices.range(oz, oz + z),
        Indices.all());
  }

  /** Multiply-adds of a SAME convolution per sample: output cells x kernel volume x in x out. */
  static long convMacs(long outXy, long outZ, int kernel, int in, int out) {
    return outXy * outXy * outZ * kernel * kernel * kernel * in * out;
  }
}
