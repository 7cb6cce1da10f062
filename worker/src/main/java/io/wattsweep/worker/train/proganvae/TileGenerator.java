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
 * The ProGAN generator, fully grown, with the study's widths: from a 4 x 4 grid of noise and the
 * three neighbours' encodings, one 3 x 3 convolution at 4 x 4, then two per resolution with
 * nearest-neighbour 2x upsampling between resolutions, pixel norm after every convolution, then a
 * linear 1 x 1 "to RGB" layer to the image's channels (18,734,214 parameters at scale 1 in the
 * study; 18,731,393 here: the study's network holds 2,821 more, not identified). Only the stable
 * phase is built: the fade-in of a newly added resolution is a short blend during growth and is not
 * measured.
 */
final class TileGenerator {

  private final ProGanDims d;
  private final TableNet net;

  TileGenerator(Ops tf, ProGanDims d, long seed, Compute compute) {
    this.d = d;
    this.net = new TableNet(tf.withSubScope("generator"), seed, 11, table(d), compute);
  }

  /** The generator's layer table, 4 x 4 first. */
  static List<LayerSpec> table(ProGanDims d) {
    List<LayerSpec> t = new ArrayList<>();
    int base = ProGanDims.BASE;
    t.add(LayerSpec.conv(name(base, 0), 3, d.generatorInput(), d.channels(base), base));
    for (int r = 2 * base; r <= d.tile(); r *= 2) {
      t.add(LayerSpec.conv(name(r, 0), 3, d.channels(r / 2), d.channels(r), r));
      t.add(LayerSpec.conv(name(r, 1), 3, d.channels(r), d.channels(r), r));
    }
    t.add(
        LayerSpec.conv("to_rgb", 1, d.channels(d.tile()), ProGanDims.IMAGE_CHANNELS, d.tile())
            .asLinear());
    return t;
  }

  /**
   * A batch of tiles.
   *
   * @param input noise and encodings, (batch, 4, 4, 4 x encoding)
   * @return (batch, tile, tile, channels), unbounded as in ProGAN (real tiles lie in [-1, 1])
   */
  Operand<TFloat32> forward(Ops tf, Operand<TFloat32> input) {
    Operand<TFloat32> x = Layers.pixelNorm(tf, input);
    int res = ProGanDims.BASE;
    for (int i = 0; i < net.size() - 1; i++) {
      LayerSpec layer = net.layer(i);
      if (layer.resolution() > res) {
        x = Layers.upsample2d(tf, x, res, res, layer.in());
        res = layer.resolution();
      }
      x = Layers.pixelNorm(tf, net.apply(tf, i, x));
    }
    return net.apply(tf, net.size() - 1, x);
  }

  Params params() {
    return net.params();
  }

  long macsPerSample() {
    return TableNet.macsPerSample(table(d));
  }

  static String name(int resolution, int index) {
    return resolution + "x" + resolution + "_conv" + index;
  }
}
