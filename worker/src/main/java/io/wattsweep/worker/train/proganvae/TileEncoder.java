package io.wattsweep.worker.train.proganvae;

import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.Params;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The study's frozen encoder of a neighbouring tile: stride-2 3 x 3 convolutions down to 4 x 4
 * (five from 128 x 128) and a dense layer to the tile's 4 x 4 x encoding values (2048 at scale 1).
 * It was trained beforehand and is not trained here: forward only, no KL term, no optimizer. One
 * encoder serves all three neighbours. Its widths are an assumption ({@link
 * ProGanDims#encoderChannels}).
 */
final class TileEncoder {

  private final ProGanDims d;
  private final TableNet net;

  TileEncoder(Ops tf, ProGanDims d, long seed, Compute compute) {
    this.d = d;
    this.net = new TableNet(tf.withSubScope("encoder"), seed, 12, table(d), compute);
  }

  static List<LayerSpec> table(ProGanDims d) {
    List<LayerSpec> t = new ArrayList<>();
    int in = ProGanDims.IMAGE_CHANNELS;
    int base = ProGanDims.BASE;
    for (int r = d.tile() / 2; r >= base; r /= 2) {
      int out = d.encoderChannels(r);
      t.add(LayerSpec.strided(r + "x" + r + "_conv", 3, in, out, r));
      in = out;
    }
    t.add(LayerSpec.dense("encoding", base * base * in, d.encodingValues()).asLinear());
    return t;
  }

  /**
   * Encodes (batch, tile, tile, channels) to (batch, 4, 4, encoding); no gradient flows back
   * through it.
   */
  Operand<TFloat32> forward(Ops tf, Operand<TFloat32> tiles) {
    Operand<TFloat32> x = tiles;
    int dense = net.size() - 1;
    for (int i = 0; i < dense; i++) {
      x = net.apply(tf, i, x);
    }
    x = net.apply(tf, dense, tf.reshape(x, tf.constant(new int[] {-1, net.layer(dense).in()})));
    int base = ProGanDims.BASE;
    return tf.stopGradient(tf.reshape(x, tf.constant(new int[] {-1, base, base, d.encoding()})));
  }

  Params params() {
    return net.params();
  }

  long macsPerSample() {
    return TableNet.macsPerSample(table(d));
  }
}
