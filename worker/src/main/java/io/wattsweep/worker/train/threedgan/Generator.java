package io.wattsweep.worker.train.threedgan;

import static io.wattsweep.worker.train.internal.Conv3dLayer.Init.GLOROT_NORMAL;
import static io.wattsweep.worker.train.internal.Conv3dLayer.Init.HE_UNIFORM;

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
 * The 3DGAN generator, layer by layer as the published Keras code builds it ({@code generator()} in
 * {@code AngleArch3dGAN.py}): a dense layer (no activation) onto a 9 x 9 x 8 grid of 8 channels, 6x
 * 3D up-sampling, then seven 3D convolutions, each after the zero padding the code gives it:
 *
 * <pre>
 *   pad        kernel     filters  then
 *   -          (6, 6, 8)  8        ReLU, batch norm
 *   (2, 2, 1)  (4, 4, 6)  6        ReLU, batch norm   (three times)
 *   (1, 1, 0)  (3, 3, 5)  6        ReLU, batch norm
 *   (1, 1, 0)  (3, 3, 3)  6        ReLU
 *   -          (2, 2, 2)  1        ReLU: deposits are never negative
 * </pre>
 *
 * which takes the 54 x 54 x 48 up-sampled grid to one 51 x 51 x 25 channel. Initialisers are the
 * code's: Glorot-uniform dense, He-uniform convolutions, Glorot-normal output.
 */
final class Generator {

  private static final int[] NONE = {0, 0, 0};
  private static final int[] PAD_WIDE = {2, 2, 1};
  private static final int[] PAD_ACROSS = {1, 1, 0};

  private final GanDims d;
  private final Params params;
  private final Variable<TFloat32> denseW;
  private final Variable<TFloat32> denseB;
  private final List<Conv3dLayer> convs = new ArrayList<>();
  private final List<BatchNorm3d> norms = new ArrayList<>();

  Generator(Ops tf, GanDims d, long seed, Compute compute) {
    this.d = d;
    this.params = new Params(tf.withSubScope("generator"), seed, 1, compute);
    long units = d.grid().size();
    denseW = params.uniform("dense", Math.sqrt(6.0 / (d.latent() + units)), d.latent(), units);
    denseB = params.bias("dense", units);
    Grid g = d.grid().upsampled(GanDims.UPSAMPLE);
    g = add(g, NONE, new int[] {6, 6, 8}, d.g1(), HE_UNIFORM, true);
    for (int i = 0; i < 3; i++) {
      g = add(g, PAD_WIDE, new int[] {4, 4, 6}, d.g2(), HE_UNIFORM, true);
    }
    g = add(g, PAD_ACROSS, new int[] {3, 3, 5}, d.g2(), HE_UNIFORM, true);
    g = add(g, PAD_ACROSS, new int[] {3, 3, 3}, d.g2(), HE_UNIFORM, false);
    g = add(g, NONE, new int[] {2, 2, 2}, 1, GLOROT_NORMAL, false);
    if (!g.equals(d.image())) {
      throw new IllegalStateException("generator makes " + g + ", not the image " + d.image());
    }
  }

  /**
   * Showers for a batch.
   *
   * @param input (batch, latent): primary energy, angle, noise
   * @param replica the tower's replica, with batch-norm statistics of its own
   * @return deposits, raised to the data's power, (batch, x, y, z, 1)
   */
  Operand<TFloat32> forward(Ops tf, Operand<TFloat32> input, Replica replica) {
    var dense = params.compute().dense(tf, input, denseW, denseB);
    var grid = tf.reshape(dense, tf.constant(d.grid().batchShape()));
    Operand<TFloat32> x = Layers.upsample3d(tf, grid, d.grid(), GanDims.UPSAMPLE);
    for (int i = 0; i < convs.size(); i++) {
      Conv3dLayer conv = convs.get(i);
      x = tf.nn.relu(conv.apply(tf, x));
      if (norms.get(i) != null) {
        x = norms.get(i).apply(tf, x);
      }
    }
    return x;
  }

  /** Multiply-adds of the dense layer for one sample. */
  long denseMacsPerSample() {
    return (long) d.latent() * d.grid().size();
  }

  /** Multiply-adds of one forward pass for one sample: the dense layer and the convolutions. */
  long macsPerSample() {
    long macs = denseMacsPerSample();
    for (Conv3dLayer conv : convs) {
      macs += conv.macsPerSample();
    }
    return macs;
  }

  Params params() {
    return params;
  }

  /** Appends a padded convolution, and batch norm after its ReLU if {@code normed}. */
  private Grid add(
      Grid in, int[] pad, int[] kernel, int filters, Conv3dLayer.Init init, boolean normed) {
    int n = convs.size() + 1;
    Conv3dLayer conv = Conv3dLayer.valid(params, "conv" + n, in, pad, kernel, filters, init);
    convs.add(conv);
    norms.add(normed ? new BatchNorm3d(params, "norm" + n, filters) : null);
    return conv.output();
  }
}
