package io.wattsweep.worker.train.internal;

import static io.wattsweep.worker.train.internal.GanDims.KERNEL;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The 3DGAN generator, reduced: the latent vector times the primary energy (the paper's
 * conditioning) goes through a dense layer onto a coarse 3D grid, then convolutions with ReLU and
 * two nearest-neighbour 2x upsamplings, cropped to the calorimeter's shape, and a one-channel ReLU
 * output because energy deposits are non-negative.
 */
final class Generator {

  private static final int SMALL_KERNEL = 3;

  private final GanDims d;
  private final Params params;
  private final Variable<TFloat32> denseW;
  private final Variable<TFloat32> denseB;
  private final Variable<TFloat32> w1;
  private final Variable<TFloat32> b1;
  private final Variable<TFloat32> w2;
  private final Variable<TFloat32> b2;
  private final Variable<TFloat32> w3;
  private final Variable<TFloat32> b3;
  private final Variable<TFloat32> w4;
  private final Variable<TFloat32> b4;

  Generator(Ops tf, GanDims d, long seed) {
    this.d = d;
    this.params = new Params(tf.withSubScope("generator"), seed, 1);
    long grid = (long) d.baseXy() * d.baseXy() * d.baseZ() * d.baseChannels();
    denseW = params.weight("dense", d.latent(), d.latent(), grid);
    denseB = params.bias("dense", grid);
    w1 = conv("conv1", KERNEL, d.baseChannels(), d.g1());
    b1 = params.bias("conv1", d.g1());
    w2 = conv("conv2", KERNEL, d.g1(), d.g2());
    b2 = params.bias("conv2", d.g2());
    w3 = conv("conv3", SMALL_KERNEL, d.g2(), d.g3());
    b3 = params.bias("conv3", d.g3());
    w4 = conv("conv4", SMALL_KERNEL, d.g3(), 1);
    b4 = params.bias("conv4", 1);
  }

  /**
   * Showers for a batch.
   *
   * @param latent noise, (batch, latent)
   * @param energy primary energies, (batch, 1)
   * @return deposits, (batch, xy, xy, z, 1)
   */
  Operand<TFloat32> forward(Ops tf, Operand<TFloat32> latent, Operand<TFloat32> energy) {
    var h = tf.nn.relu(Layers.dense(tf, tf.math.mul(latent, energy), denseW, denseB));
    var grid =
        tf.reshape(
            h, tf.constant(new int[] {-1, d.baseXy(), d.baseXy(), d.baseZ(), d.baseChannels()}));
    var c1 = tf.nn.relu(Layers.conv(tf, grid, w1, b1, 1));
    var u1 = Layers.upsample2(tf, c1, d.baseXy(), d.baseXy(), d.baseZ(), d.g1());
    var c2 = tf.nn.relu(Layers.conv(tf, u1, w2, b2, 1));
    var u2 = Layers.upsample2(tf, c2, 2 * d.baseXy(), 2 * d.baseXy(), 2 * d.baseZ(), d.g2());
    var crop = Layers.centreCrop(tf, u2, 4 * d.baseXy(), 4 * d.baseZ(), d.imageXy(), d.imageZ());
    var c3 = tf.nn.relu(Layers.conv(tf, crop, w3, b3, 1));
    return tf.nn.relu(Layers.conv(tf, c3, w4, b4, 1));
  }

  /** Multiply-adds of one forward pass for one sample (biases and activations not counted). */
  long macsPerSample() {
    long grid = (long) d.baseXy() * d.baseXy() * d.baseZ() * d.baseChannels();
    return (long) d.latent() * grid
        + Layers.convMacs(d.baseXy(), d.baseZ(), KERNEL, d.baseChannels(), d.g1())
        + Layers.convMacs(2L * d.baseXy(), 2L * d.baseZ(), KERNEL, d.g1(), d.g2())
        + Layers.convMacs(d.imageXy(), d.imageZ(), SMALL_KERNEL, d.g2(), d.g3())
        + Layers.convMacs(d.imageXy(), d.imageZ(), SMALL_KERNEL, d.g3(), 1);
  }

  Params params() {
    return params;
  }

  private Variable<TFloat32> conv(String name, int k, int in, int out) {
    return params.weight(name, (long) k * k * k * in, k, k, k, in, out);
  }
}
