package io.wattsweep.worker.train.internal;

import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Synthetic electromagnetic showers with the real data's shape, drawn from the seed: a primary
 * energy per event, deposits concentrated around the beam axis with an exponential transverse
 * profile and a gamma-function longitudinal profile whose maximum deepens with the log of the
 * energy, and a total deposit proportional to the primary energy.
 *
 * <p>A pool of events is made up front and batches are gathered from it in the graph (see {@link
 * BatchCycle}), so feeding costs the step nothing on the host.
 */
final class ShowerData implements AutoCloseable {

  /** Primary energy range in GeV, as in the paper's training sample. */
  static final double MIN_GEV = 2;

  static final double MAX_GEV = 500;

  /** Energies are fed in units of 100 GeV, i.e. in [0.02, 5]. */
  static final double GEV_PER_UNIT = 100;

  /** Deposited energy (GeV) per fed energy unit: a 2% sampling fraction of 100 GeV. */
  static final float DEPOSIT_PER_UNIT = 2f;

  private static final double CRITICAL_GEV = 0.01;
  private static final double LONGITUDINAL_B = 0.5;

  private final TFloat32 images;
  private final TFloat32 energies;
  private final BatchCycle cycle;

  ShowerData(GanDims d, int batchSize, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int xy = d.imageXy();
    int z = d.imageZ();
    int cells = xy * xy * z;
    int size = BatchCycle.poolSize(batchSize, 4L * cells);
    float[] pixels = new float[size * cells];
    float[] units = new float[size];
    for (int e = 0; e < size; e++) {
      double gev = MIN_GEV + (MAX_GEV - MIN_GEV) * random.nextDouble();
      units[e] = (float) (gev / GEV_PER_UNIT);
      shower(d, gev, random, pixels, e * cells);
    }
    images = TFloat32.tensorOf(Shape.of(size, xy, xy, z, 1), DataBuffers.of(pixels, true, false));
    energies = TFloat32.tensorOf(Shape.of(size, 1), DataBuffers.of(units, true, false));
    cycle = new BatchCycle(size, batchSize);
  }

  /** All pooled events, (pool, xy, xy, z, 1); owned by this object. */
  TFloat32 images() {
    return images;
  }

  /** Their primary energies, (pool, 1). */
  TFloat32 energies() {
    return energies;
  }

  /** The next batch's indices into the pool; the caller closes them. */
  TInt32 nextIndices() {
    return cycle.next();
  }

  @Override
  public void close() {
    images.close();
    energies.close();
  }

  /** Writes one event's cells (x, y, z order) at {@code offset}, normalised to its deposit. */
  private static void shower(
      GanDims d, double gev, SplittableRandom random, float[] out, int offset) {
    int xy = d.imageXy();
    int z = d.imageZ();
    // Cell sizes stay physical across scales: fewer, larger cells at a smaller scale.
    double cellsPerMoliere = 1.5 * xy / 51.0;
    double radiationLengthsPerLayer = 25.0 / z;
    double centre = (xy - 1) / 2.0;
    double cx = centre + 0.3 * cellsPerMoliere * random.nextGaussian();
    double cy = centre + 0.3 * cellsPerMoliere * random.nextGaussian();
    double[] transverse = new double[xy * xy];
    for (int i = 0; i < xy; i++) {
      for (int j = 0; j < xy; j++) {
        double r = Math.hypot(i - cx, j - cy);
        transverse[i * xy + j] = Math.exp(-r / cellsPerMoliere);
      }
    }
    // Longitudinal gamma profile t^(a-1) e^(-b t), maximum at ln(E/Ec) - 0.5 radiation lengths.
    double tMax = Math.log(gev / CRITICAL_GEV) - 0.5;
    double a = LONGITUDINAL_B * tMax + 1;
    double[] longitudinal = new double[z];
    for (int k = 0; k < z; k++) {
      double t = (k + 0.5) * radiationLengthsPerLayer;
      longitudinal[k] = Math.pow(t, a - 1) * Math.exp(-LONGITUDINAL_B * t);
    }
    double total = 0;
    for (int i = 0; i < xy * xy; i++) {
      for (int k = 0; k < z; k++) {
        // Sampling fluctuations: about 20% per cell, never negative.
        double noise = Math.exp(0.2 * random.nextGaussian());
        double v = transverse[i] * longitudinal[k] * noise;
        out[offset + i * z + k] = (float) v;
        total += v;
      }
    }
    double deposit = DEPOSIT_PER_UNIT * gev / GEV_PER_UNIT;
    float norm = (float) (deposit / total);
    for (int c = 0; c < xy * xy * z; c++) {
      out[offset + c] *= norm;
    }
  }
}
