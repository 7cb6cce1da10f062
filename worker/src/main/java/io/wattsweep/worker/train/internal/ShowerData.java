package io.wattsweep.worker.train.internal;

import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Synthetic electromagnetic showers with the real data's shape, drawn from the seed: a primary
 * energy and an incidence angle per event, deposits concentrated around the shower's axis with an
 * exponential transverse profile and a gamma-function longitudinal profile whose maximum deepens
 * with the log of the energy, and a total deposit proportional to the primary energy. The axis
 * crosses the layers at the event's angle: its barycentre moves by cot(angle) cells per layer, so
 * that the discriminator's angle output reads back about the angle the event was made with.
 *
 * <p>As in the published training, energies are fed divided by 100, angles in radians, cells raised
 * to the power 0.85, and the ECAL sum (the deposit before that power) is the fourth target.
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

  /** Incidence angles in degrees, as in the variable-angle sample. */
  static final double MIN_DEGREES = 60;

  static final double MAX_DEGREES = 120;

  /** Deposited energy (GeV) per fed energy unit: a 2% sampling fraction of 100 GeV. */
  static final float DEPOSIT_PER_UNIT = 2f;

  private static final double CRITICAL_GEV = 0.01;
  private static final double LONGITUDINAL_B = 0.5;

  private final TFloat32 images;
  private final TFloat32 energies;
  private final TFloat32 angles;
  private final TFloat32 ecals;
  private final BatchCycle cycle;

  ShowerData(GanDims d, int batchSize, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    Grid image = d.image();
    int cells = Math.toIntExact(image.cells());
    int size = BatchCycle.poolSize(batchSize, 4L * cells);
    float[] pixels = new float[size * cells];
    float[] units = new float[size];
    float[] radians = new float[size];
    float[] sums = new float[size];
    for (int e = 0; e < size; e++) {
      double gev = MIN_GEV + (MAX_GEV - MIN_GEV) * random.nextDouble();
      double angle =
          Math.toRadians(MIN_DEGREES + (MAX_DEGREES - MIN_DEGREES) * random.nextDouble());
      units[e] = (float) (gev / GEV_PER_UNIT);
      radians[e] = (float) angle;
      sums[e] = shower(image, gev, angle, random, pixels, e * cells);
    }
    images =
        TFloat32.tensorOf(Shape.of(image.batchShape(size)), DataBuffers.of(pixels, true, false));
    energies = column(units);
    angles = column(radians);
    ecals = column(sums);
    cycle = new BatchCycle(size, batchSize);
  }

  /** All pooled events, (pool, xy, xy, z, 1); owned by this object. */
  TFloat32 images() {
    return images;
  }

  /** Their primary energies, (pool, 1), in units of 100 GeV. */
  TFloat32 energies() {
    return energies;
  }

  /** Their angles, (pool, 1), in radians. */
  TFloat32 angles() {
    return angles;
  }

  /** Their total deposits, (pool, 1). */
  TFloat32 ecals() {
    return ecals;
  }

  /** The next batch's indices into the pool; the caller closes them. */
  TInt32 nextIndices() {
    return cycle.next();
  }

  @Override
  public void close() {
    images.close();
    energies.close();
    angles.close();
    ecals.close();
  }

  private static TFloat32 column(float[] values) {
    return TFloat32.tensorOf(Shape.of(values.length, 1), DataBuffers.of(values, true, false));
  }

  /**
   * Writes one event's cells (x, y, z order) at {@code offset}, raised to {@link
   * EcalOutputs#POWER}; returns its total deposit before that power.
   */
  private static float shower(
      Grid image, double gev, double angle, SplittableRandom random, float[] out, int offset) {
    int xy = image.x();
    int z = image.z();
    // Cell sizes stay physical across scales: fewer, larger cells at a smaller scale.
    double cellsPerMoliere = 1.5 * xy / 51.0;
    double radiationLengthsPerLayer = 25.0 / z;
    double centre = (xy - 1) / 2.0;
    double cx = centre + 0.3 * cellsPerMoliere * random.nextGaussian();
    double cy = centre + 0.3 * cellsPerMoliere * random.nextGaussian();
    double slope = 1 / Math.tan(angle);
    // Longitudinal gamma profile t^(a-1) e^(-b t), maximum at ln(E/Ec) - 0.5 radiation lengths.
    double tMax = Math.log(gev / CRITICAL_GEV) - 0.5;
    double a = LONGITUDINAL_B * tMax + 1;
    double total = 0;
    for (int k = 0; k < z; k++) {
      double t = (k + 0.5) * radiationLengthsPerLayer;
      double longitudinal = Math.pow(t, a - 1) * Math.exp(-LONGITUDINAL_B * t);
      double axisY = cy + slope * (k - (z - 1) / 2.0);
      for (int i = 0; i < xy; i++) {
        for (int j = 0; j < xy; j++) {
          double r = Math.hypot(i - cx, j - axisY);
          // Sampling fluctuations: about 20% per cell, never negative.
          double v =
              Math.exp(-r / cellsPerMoliere) * longitudinal * Math.exp(0.2 * random.nextGaussian());
          out[offset + (i * xy + j) * z + k] = (float) v;
          total += v;
        }
      }
    }
    double deposit = DEPOSIT_PER_UNIT * gev / GEV_PER_UNIT;
    double norm = deposit / total;
    for (int c = 0; c < xy * xy * z; c++) {
      out[offset + c] = (float) Math.pow(out[offset + c] * norm, EcalOutputs.POWER);
    }
    return (float) deposit;
  }
}
