package io.wattsweep.worker.train.proganvae;

import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.Layers;
import io.wattsweep.worker.train.internal.Params;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A ProGAN discriminator (a WGAN critic: one unbounded score per sample), fully grown: a linear 1 x
 * 1 "from RGB", two 3 x 3 convolutions per resolution with 2x average pooling, down to 4 x 4, then
 * the minibatch standard deviation channel, a 3 x 3 convolution, a dense layer and a linear score.
 * The local critic judges the 128 x 128 tile, the global one the 256 x 256 context of the tile and
 * its three neighbours.
 */
final class TileCritic {

  /** ProGAN's group size for the minibatch standard deviation. */
  private static final int STDDEV_GROUP = 4;

  private final ProGanDims d;
  private final int input;
  private final TableNet net;

  /**
   * @param input side of the judged images: the tile (local) or the context (global)
   */
  TileCritic(
      Ops tf, String name, ProGanDims d, int input, long seed, long stream, Compute compute) {
    this.d = d;
    this.input = input;
    this.net = new TableNet(tf.withSubScope(name), seed, stream, table(d, input), compute);
  }

  static List<LayerSpec> table(ProGanDims d, int input) {
    List<LayerSpec> t = new ArrayList<>();
    addTrunk(t, d, input);
    int base = ProGanDims.BASE;
    int c = d.channels(base);
    t.add(LayerSpec.conv(base + "x" + base + "_conv", 3, c + 1, c, base));
    t.add(LayerSpec.dense("dense", base * base * c, c));
    t.add(LayerSpec.dense("score", c, 1).asLinear());
    return t;
  }

  /** Scores a batch of (batch, input, input, channels) images: (batch, 1). */
  Operand<TFloat32> forward(Ops tf, Operand<TFloat32> images, int batch) {
    int head = net.size() - 3;
    Operand<TFloat32> x = trunk(tf, net, head, images, input);
    int base = ProGanDims.BASE;
    int c = d.channels(base);
    x = Layers.minibatchStddev(tf, x, group(batch), base, base, c);
    x = net.apply(tf, head, x);
    x = tf.reshape(x, tf.constant(new int[] {-1, base * base * c}));
    x = net.apply(tf, head + 1, x);
    return net.apply(tf, head + 2, x);
  }

  Params params() {
    return net.params();
  }

  long macsPerSample() {
    return TableNet.macsPerSample(table(d, input));
  }

  /** The largest group of at most 4 that divides the batch, so any batch size works. */
  static int group(int batch) {
    int g = Math.min(STDDEV_GROUP, batch);
    while (batch % g != 0) {
      g--;
    }
    return g;
  }

  /** "From RGB" and the blocks from {@code input} down to 8 x 8, each ending in a pooling. */
  static void addTrunk(List<LayerSpec> t, ProGanDims d, int input) {
    t.add(LayerSpec.conv("from_rgb", 1, ProGanDims.IMAGE_CHANNELS, d.channels(input), input));
    for (int r = input; r > ProGanDims.BASE; r /= 2) {
      t.add(LayerSpec.conv(TileGenerator.name(r, 0), 3, d.channels(r), d.channels(r), r));
      t.add(LayerSpec.conv(TileGenerator.name(r, 1), 3, d.channels(r), d.channels(r / 2), r));
    }
  }

  /** Applies the first {@code rows} rows (a trunk) to images of side {@code input}: 4 x 4 out. */
  static Operand<TFloat32> trunk(
      Ops tf, TableNet net, int rows, Operand<TFloat32> images, int input) {
    Operand<TFloat32> x = net.apply(tf, 0, images);
    for (int i = 1; i < rows; i += 2) {
      int r = net.layer(i).resolution();
      x = net.apply(tf, i + 1, net.apply(tf, i, x));
      x = Layers.downsample2d(tf, x, r, r, net.layer(i + 1).out());
    }
    return x;
  }
}
