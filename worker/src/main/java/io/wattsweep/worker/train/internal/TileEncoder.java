package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The VAE encoder of a neighbouring tile, shaped like ProGAN's discriminator (a linear 1 x 1 "from
 * RGB", two 3 x 3 convolutions per resolution with 2x average pooling between them, down to 4 x 4),
 * ending in two linear 1 x 1 heads: the mean and the log-variance of a 4 x 4 x encoding posterior
 * (2048 values at scale 1). One encoder serves all three neighbours.
 */
final class TileEncoder {

  /** The posterior of a batch of tiles, each (batch, 4, 4, encoding). */
  record Posterior(Operand<TFloat32> mean, Operand<TFloat32> logVariance) {}

  private final ProGanDims d;
  private final TableNet net;

  TileEncoder(Ops tf, ProGanDims d, long seed) {
    this.d = d;
    this.net = new TableNet(tf.withSubScope("encoder"), seed, 12, table(d));
  }

  static List<LayerSpec> table(ProGanDims d) {
    List<LayerSpec> t = new ArrayList<>();
    TileCritic.addTrunk(t, d, d.tile());
    int base = ProGanDims.BASE;
    t.add(LayerSpec.conv("mean", 1, d.channels(base), d.encoding(), base).asLinear());
    t.add(LayerSpec.conv("log_variance", 1, d.channels(base), d.encoding(), base).asLinear());
    return t;
  }

  /** Encodes (batch, tile, tile, 3). */
  Posterior forward(Ops tf, Operand<TFloat32> tiles) {
    int heads = net.size() - 2;
    Operand<TFloat32> x = TileCritic.trunk(tf, net, heads, tiles, d.tile());
    return new Posterior(net.apply(tf, heads, x), net.apply(tf, heads + 1, x));
  }

  Params params() {
    return net.params();
  }

  long macsPerSample() {
    return TableNet.macsPerSample(table(d));
  }
}
