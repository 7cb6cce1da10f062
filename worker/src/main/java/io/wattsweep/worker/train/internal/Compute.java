package io.wattsweep.worker.train.internal;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * What the networks' convolutions and matrix products compute in. Weights, biases and everything
 * else stay fp32 (Keras' {@code mixed_bfloat16} policy): {@link #BF16} casts a product's operands
 * to bf16 and its result back, in the graph, for GPUs, which TensorFlow's bf16 rewrite skips.
 */
public enum Compute {
  FP32,
  BF16;

  /** A dense layer: {@code x w + b}. */
  public Operand<TFloat32> dense(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> b) {
    if (this == FP32) {
      return tf.nn.biasAdd(tf.linalg.matMul(x, w), b);
    }
    return tf.nn.biasAdd(fp32(tf, tf.linalg.matMul(bf16(tf, x), bf16(tf, w))), b);
  }

  /** A 2D convolution, SAME padding, then the bias. */
  public Operand<TFloat32> conv2d(
      Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, Operand<TFloat32> b, long stride) {
    List<Long> strides = List.of(1L, stride, stride, 1L);
    if (this == FP32) {
      return tf.nn.biasAdd(tf.nn.conv2d(x, w, strides, "SAME"), b);
    }
    return tf.nn.biasAdd(fp32(tf, tf.nn.conv2d(bf16(tf, x), bf16(tf, w), strides, "SAME")), b);
  }

  /** A 3D convolution, stride 1, without bias. */
  Operand<TFloat32> conv3d(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w, String padding) {
    List<Long> strides = List.of(1L, 1L, 1L, 1L, 1L);
    if (this == FP32) {
      return tf.nn.conv3d(x, w, strides, padding);
    }
    return fp32(tf, tf.nn.conv3d(bf16(tf, x), bf16(tf, w), strides, padding));
  }

  private static Operand<TBfloat16> bf16(Ops tf, Operand<TFloat32> x) {
    return tf.dtypes.cast(x, TBfloat16.class);
  }

  private static Operand<TFloat32> fp32(Ops tf, Operand<TBfloat16> x) {
    return tf.dtypes.cast(x, TFloat32.class);
  }
}
