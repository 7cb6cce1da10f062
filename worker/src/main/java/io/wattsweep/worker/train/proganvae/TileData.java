package io.wattsweep.worker.train.proganvae;

import io.wattsweep.worker.train.internal.BatchCycle;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Synthetic satellite-like scenes, drawn from the seed: each is a 2 x 2 context of tiles (three
 * neighbours and the tile to generate, bottom right), cut from one continuous field of the image's
 * channels, so the neighbours are consistent with the missing tile. A field is a smooth land-cover
 * texture (a few low-frequency waves per channel on a random base level), a straight boundary
 * between two covers (land and water, say) with a sharp edge, and a thin bright line (a road),
 * squashed into [-1, 1] as image pixels are for a GAN.
 *
 * <p>A pool of scenes is made up front and batches are gathered from it in the graph (see {@link
 * BatchCycle}).
 */
final class TileData implements AutoCloseable {

  private static final int WAVES = 4;
  private static final int CHANNELS = ProGanDims.IMAGE_CHANNELS;

  private final TFloat32 contexts;
  private final BatchCycle cycle;

  TileData(ProGanDims d, int batchSize, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    int side = d.context();
    int pixels = side * side * CHANNELS;
    int size = BatchCycle.poolSize(batchSize, 4L * pixels);
    float[] values = new float[size * pixels];
    for (int s = 0; s < size; s++) {
      scene(side, random, values, s * pixels);
    }
    contexts =
        TFloat32.tensorOf(
            Shape.of(size, side, side, CHANNELS), DataBuffers.of(values, true, false));
    cycle = new BatchCycle(size, batchSize);
  }

  /** All pooled contexts, (pool, 2 tile, 2 tile, channels); owned by this object. */
  TFloat32 contexts() {
    return contexts;
  }

  /** The next batch's indices into the pool; the caller closes them. */
  TInt32 nextIndices() {
    return cycle.next();
  }

  @Override
  public void close() {
    contexts.close();
  }

  /** Writes one scene (row, column, channel order) at {@code offset}. */
  private static void scene(int side, SplittableRandom random, float[] out, int offset) {
    double[] base = new double[CHANNELS];
    double[][] amplitude = new double[CHANNELS][WAVES];
    double[][] fx = new double[CHANNELS][WAVES];
    double[][] fy = new double[CHANNELS][WAVES];
    double[][] phase = new double[CHANNELS][WAVES];
    for (int c = 0; c < CHANNELS; c++) {
      base[c] = 0.6 * (random.nextDouble() - 0.5);
      for (int k = 0; k < WAVES; k++) {
        amplitude[c][k] = 0.25 * random.nextDouble();
        // One to three cycles across the scene: structure that crosses tile borders.
        fx[c][k] = 2 * Math.PI * (1 + 2 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
        fy[c][k] = 2 * Math.PI * (1 + 2 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
        phase[c][k] = 2 * Math.PI * random.nextDouble();
      }
    }
    // A boundary through the scene: a unit normal and an offset from the centre.
    double angle = 2 * Math.PI * random.nextDouble();
    double nx = Math.cos(angle);
    double ny = Math.sin(angle);
    double offsetFromCentre = 0.3 * (random.nextDouble() - 0.5);
    double[] water = {-0.6, -0.3, 0.2};
    // A road: another line, a few pixels wide whatever the resolution.
    double roadAngle = 2 * Math.PI * random.nextDouble();
    double rx = Math.cos(roadAngle);
    double ry = Math.sin(roadAngle);
    double roadOffset = 0.6 * (random.nextDouble() - 0.5);
    double roadHalfWidth = 1.5 / side;
    for (int i = 0; i < side; i++) {
      double y = (i + 0.5) / side;
      for (int j = 0; j < side; j++) {
        double x = (j + 0.5) / side;
        boolean wet = (x - 0.5) * nx + (y - 0.5) * ny > offsetFromCentre;
        boolean road = Math.abs((x - 0.5) * rx + (y - 0.5) * ry - roadOffset) < roadHalfWidth;
        for (int c = 0; c < CHANNELS; c++) {
          double v = base[c];
          for (int k = 0; k < WAVES; k++) {
            v += amplitude[c][k] * Math.sin(fx[c][k] * x + fy[c][k] * y + phase[c][k]);
          }
          if (wet) {
            v = 0.3 * v + water[c];
          } else if (road) {
            v = 0.9;
          }
          out[offset + (i * side + j) * CHANNELS + c] =
              (float) Math.tanh(v + 0.05 * random.nextGaussian());
        }
      }
    }
  }
}
