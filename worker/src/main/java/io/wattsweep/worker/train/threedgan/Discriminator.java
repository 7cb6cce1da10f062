package io.wattsweep.worker.train.threedgan;

import static io.wattsweep.worker.train.internal.Conv3dLayer.Init.GLOROT_UNIFORM;

import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.Conv3dLayer;
import io.wattsweep.worker.train.internal.Grid;
import io.wattsweep.worker.train.internal.Layers;
import io.wattsweep.worker.train.internal.Params;
import io.wattsweep.worker.train.internal.Replica;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The 3DGAN discriminator, layer by layer as the published Keras code builds it ({@code
 * discriminator()} in {@code AngleArch3dGAN.py}): four 3D convolutions with (5, 6, 6) kernels,
 *
 * <pre>
 *   pad        padding  filters  then
 *   -          SAME     16       LeakyReLU, dropout 0.2
 *   (0, 0, 1)  VALID    8        LeakyReLU, batch norm, dropout 0.2   (twice)
 *   -          VALID    8        LeakyReLU, batch norm, dropout 0.2
 * </pre>
 *
 * then 2x 3D average pooling, flattened into two dense heads, real/fake (a sigmoid, kept here as
 * its logit) and the primary energy (linear); the image itself gives the other two outputs, its
 * angle and its ECAL sum ({@link EcalOutputs}), which hold no weights. LeakyReLU has Keras' default
 * slope, 0.3; initialisers are Keras' default, Glorot-uniform.
 */
final class Discriminator {

  /** The four outputs, each (batch, 1). */
  record Heads(
      Operand<TFloat32> logit,
      Operand<TFloat32> energy,
      Operand<TFloat32> angle,
      Operand<TFloat32> ecal) {}

  static final float LEAKY_SLOPE = 0.3f;
  static final float DROPOUT = 0.2f;

  private static final int[] KERNEL = {5, 6, 6};
  private static final int[] PAD_DEPTH = {0, 0, 1};
  private static final int[] NONE = {0, 0, 0};
  private static final int POOL = 2;

  private final Params params;
  private final Grid image;
  private final List<Conv3dLayer> convs = new ArrayList<>();
  private final List<BatchNorm3d> norms = new ArrayList<>();
  private final Grid pooled;
  private final Variable<TFloat32> fakeW;
  private final Variable<TFloat32> fakeB;
  private final Variable<TFloat32> energyW;
  private final Variable<TFloat32> energyB;

  Discriminator(Ops tf, GanDims d, long seed, Compute compute) {
    this.params = new Params(tf.withSubScope("discriminator"), seed, 2, compute);
    image = d.image();
    Grid g = image;
    convs.add(Conv3dLayer.same(params, "conv1", g, KERNEL, d.d1(), GLOROT_UNIFORM));
    norms.add(null);
    g = convs.get(0).output();
    g = add(g, PAD_DEPTH, d.d2());
    g = add(g, PAD_DEPTH, d.d2());
    g = add(g, NONE, d.d2());
    pooled = g.pooled(POOL);
    long features = pooled.size();
    double limit = Math.sqrt(6.0 / (features + 1));
    fakeW = params.uniform("generation", limit, features, 1);
    fakeB = params.bias("generation", 1);
    energyW = params.uniform("auxiliary", limit, features, 1);
    energyB = params.bias("auxiliary", 1);
  }

  /**
   * Judges a batch of showers.
   *
   * @param images (batch, x, y, z, 1), deposits raised to the data's power
   * @param replica the tower's replica: batch-norm statistics and dropout masks of its own
   * @param stream this pass's random stream; its layers use the next three as well
   */
  Heads forward(Ops tf, Operand<TFloat32> images, Replica replica, long stream) {
    Operand<TFloat32> x = images;
    for (int i = 0; i < convs.size(); i++) {
      Conv3dLayer conv = convs.get(i);
      x = Layers.leakyRelu(tf, conv.apply(tf, x), LEAKY_SLOPE);
      if (norms.get(i) != null) {
        x = norms.get(i).apply(tf, x);
      }
      x = replica.dropout(tf, x, conv.output(), DROPOUT, stream + i);
    }
    List<Long> window = List.of(1L, (long) POOL, (long) POOL, (long) POOL, 1L);
    var pool = tf.nn.avgPool3d(x, window, window, "VALID");
    var flat = tf.reshape(pool, tf.constant(new long[] {-1, pooled.size()}));
    var deposits = EcalOutputs.deposits(tf, images);
    return new Heads(
        params.compute().dense(tf, flat, fakeW, fakeB),
        params.compute().dense(tf, flat, energyW, energyB),
        EcalOutputs.angle(tf, deposits, image),
        EcalOutputs.sum(tf, deposits));
  }

  /** Multiply-adds of one forward pass for one sample: convolutions and the two heads. */
  long macsPerSample() {
    long macs = 2 * pooled.size();
    for (Conv3dLayer conv : convs) {
      macs += conv.macsPerSample();
    }
    return macs;
  }

  /** Multiply-adds of the first convolution: its input gradient only a generator update needs. */
  long firstLayerMacsPerSample() {
    return convs.get(0).macsPerSample();
  }

  Params params() {
    return params;
  }

  private Grid add(Grid in, int[] pad, int filters) {
    int n = convs.size() + 1;
    convs.add(Conv3dLayer.valid(params, "conv" + n, in, pad, KERNEL, filters, GLOROT_UNIFORM));
    norms.add(new BatchNorm3d(params, "norm" + n, filters));
    return convs.get(n - 1).output();
  }
}
