package io.wattsweep.worker.train.internal;

import static io.wattsweep.worker.train.internal.GanDims.KERNEL;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The 3DGAN discriminator, reduced: three 3D convolutions with LeakyReLU(0.2), the last two with
 * stride 2, flattened into two heads: a real/fake logit and a regression of the primary energy (the
 * paper's auxiliary output). Batch norm and dropout are left out at this stage.
 */
final class Discriminator {

  /** The discriminator's outputs, each (batch, 1). */
  record Heads(Operand<TFloat32> logit, Operand<TFloat32> energy) {}

  private final GanDims d;
  private final Params params;
  private final Variable<TFloat32> w1;
  private final Variable<TFloat32> b1;
  private final Variable<TFloat32> w2;
  private final Variable<TFloat32> b2;
  private final Variable<TFloat32> w3;
  private final Variable<TFloat32> b3;
  private final Variable<TFloat32> logitW;
  private final Variable<TFloat32> logitB;
  private final Variable<TFloat32> energyW;
  private final Variable<TFloat32> energyB;

  Discriminator(Ops tf, GanDims d, long seed) {
    this.d = d;
    this.params = new Params(tf.withSubScope("discriminator"), seed, 2);
    w1 = conv("conv1", 1, d.d1());
    b1 = params.bias("conv1", d.d1());
    w2 = conv("conv2", d.d1(), d.d2());
    b2 = params.bias("conv2", d.d2());
    w3 = conv("conv3", d.d2(), d.d3());
    b3 = params.bias("conv3", d.d3());
    long features = features();
    logitW = params.weight("logit", features, features, 1);
    logitB = params.bias("logit", 1);
    energyW = params.weight("energy", features, features, 1);
    energyB = params.bias("energy", 1);
  }

  /** Judges a batch of showers, (batch, xy, xy, z, 1). */
  Heads forward(Ops tf, Operand<TFloat32> images) {
    var c1 = Layers.leakyRelu(tf, Layers.conv(tf, images, w1, b1, 1));
    var c2 = Layers.leakyRelu(tf, Layers.conv(tf, c1, w2, b2, 2));
    var c3 = Layers.leakyRelu(tf, Layers.conv(tf, c2, w3, b3, 2));
    var flat = tf.reshape(c3, tf.constant(new long[] {-1, features()}));
    return new Heads(
        Layers.dense(tf, flat, logitW, logitB), Layers.dense(tf, flat, energyW, energyB));
  }

  /** Multiply-adds of one forward pass for one sample (biases and activations not counted). */
  long macsPerSample() {
    int halfXy = GanDims.ceilDiv(d.imageXy(), 2);
    int halfZ = GanDims.ceilDiv(d.imageZ(), 2);
    return Layers.convMacs(d.imageXy(), d.imageZ(), KERNEL, 1, d.d1())
        + Layers.convMacs(halfXy, halfZ, KERNEL, d.d1(), d.d2())
        + Layers.convMacs(d.reducedXy(), d.reducedZ(), KERNEL, d.d2(), d.d3())
        + 2 * features();
  }

  Params params() {
    return params;
  }

  private long features() {
    return (long) d.reducedXy() * d.reducedXy() * d.reducedZ() * d.d3();
  }

  private Variable<TFloat32> conv(String name, int in, int out) {
    return params.weight(
        name, (long) KERNEL * KERNEL * KERNEL * in, KERNEL, KERNEL, KERNEL, in, out);
  }
}
