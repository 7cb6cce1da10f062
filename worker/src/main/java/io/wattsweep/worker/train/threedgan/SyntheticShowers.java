package io.wattsweep.worker.train.threedgan;

import io.wattsweep.worker.train.internal.Grid;
import java.util.SplittableRandom;

/**
 * Synthetic electromagnetic showers with the real data's shape, occupancy and energy scale, drawn
 * from the seed: a primary energy and an incidence angle per event, deposits concentrated around
 * the shower's axis with an exponential transverse profile and a gamma-function longitudinal
 * profile whose maximum deepens with the log of the energy. The axis crosses the layers at the
 * event's angle: its barycentre moves by cot(angle) cells per layer, so that the discriminator's
 * angle output reads back about the angle the event was made with.
 *
 * <p>Geant4 showers are mostly empty cells: energy arrives in discrete particle hits, so a cell far
 * from the axis usually gets none. Here each cell gets a Poisson number of hits of {@link #HIT_GEV}
 * each, with the smooth profile's deposit as its mean: cells off the core stay zero, the number of
 * occupied cells grows with the energy, and the total deposit fluctuates as a sampling
 * calorimeter's does. Where the figures come from:
 *
 * <ul>
 *   <li>the visible fraction of the primary energy: the published 3DGAN analysis code's fit of the
 *       ECAL sum over Ep for electrons ({@code GetEcalFit}, {@code mod=1}, in {@code
 *       analysis/utils/GANutils.py} of the 3DGAN repositories, svalleco/3Dgan and
 *       interTwin-eu/DetectorSim-3DGAN): about 2.2% at 2 GeV, 2.0% at 100 GeV, 1.8% at 500 GeV;
 *   <li>the energy range 2-500 GeV and angles 60-120 degrees: the variable-angle training sample of
 *       Khattak et al.;
 *   <li>{@link #HIT_GEV}, and so the occupancy: an assumption. No published figure for the cell
 *       occupancy of these showers was found. With 1 MeV hits, about 0.7% of the 51 x 51 x 25 cells
 *       hold energy below 50 GeV and 3.6% above 400 GeV (ShowerDataTest prints them).
 * </ul>
 */
final class SyntheticShowers {

  /** Primary energy range in GeV, as in the paper's training sample. */
  static final double MIN_GEV = 2;

  static final double MAX_GEV = 500;

  /** Incidence angles in degrees, as in the variable-angle sample. */
  static final double MIN_DEGREES = 60;

  static final double MAX_DEGREES = 120;

  /**
   * The energy one hit deposits in a cell, in GeV. An assumption, not a published figure: it sets
   * the occupancy (fewer, larger hits leave more cells empty).
   */
  static final double HIT_GEV = 1e-3;

  /**
   * The published fit of the ECAL sum (GeV) over the primary energy (in units of 100 GeV), a
   * polynomial in the primary energy in those units, highest power first.
   */
  private static final double[] ECAL_OVER_EP = {0.0018, -0.023, 0.11, -0.28, 2.21};

  /** A Poisson mean above this is drawn from its normal approximation. */
  private static final double NORMAL_ABOVE = 30;

  private static final double CRITICAL_GEV = 0.01;
  private static final double LONGITUDINAL_B = 0.5;

  private SyntheticShowers() {}

  /** The mean visible deposit in GeV of a shower of {@code gev}, as the published fit gives it. */
  static double meanDepositGev(double gev) {
    double units = gev / ShowerData.GEV_PER_UNIT;
    double ratio = 0;
    for (double c : ECAL_OVER_EP) {
      ratio = ratio * units + c;
    }
    return ratio * units;
  }

  /** {@code events} showers drawn from {@code seed}, with their labels, as the graph takes them. */
  static ShowerData.Pool draw(Grid image, int events, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int cells = Math.toIntExact(image.cells());
    var pool = new ShowerData.Pool(image, events);
    for (int e = 0; e < events; e++) {
      double gev = MIN_GEV + (MAX_GEV - MIN_GEV) * random.nextDouble();
      double angle =
          Math.toRadians(MIN_DEGREES + (MAX_DEGREES - MIN_DEGREES) * random.nextDouble());
      pool.energies()[e] = (float) (gev / ShowerData.GEV_PER_UNIT);
      pool.angles()[e] = (float) angle;
      pool.ecals()[e] = shower(image, gev, angle, random, pool.images(), e * cells);
    }
    return pool;
  }

  /**
   * Writes one event's deposits in GeV (x, y, z order) at {@code offset}, then raises them to
   * {@link EcalOutputs#POWER}; returns its total deposit before that power.
   */
  private static float shower(
      Grid image, double gev, double angle, SplittableRandom random, float[] out, int offset) {
    int xy = image.x();
    int z = image.z();
    int cells = xy * xy * z;
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
    double profile = 0;
    for (int k = 0; k < z; k++) {
      double t = (k + 0.5) * radiationLengthsPerLayer;
      double longitudinal = Math.pow(t, a - 1) * Math.exp(-LONGITUDINAL_B * t);
      double axisY = cy + slope * (k - (z - 1) / 2.0);
      for (int i = 0; i < xy; i++) {
        for (int j = 0; j < xy; j++) {
          double v = Math.exp(-Math.hypot(i - cx, j - axisY) / cellsPerMoliere) * longitudinal;
          out[offset + (i * xy + j) * z + k] = (float) v;
          profile += v;
        }
      }
    }
    double hitsPerProfile = meanDepositGev(gev) / HIT_GEV / profile;
    double total = 0;
    for (int c = 0; c < cells; c++) {
      double deposit = HIT_GEV * hits(out[offset + c] * hitsPerProfile, random);
      out[offset + c] = (float) Math.pow(deposit, EcalOutputs.POWER);
      total += deposit;
    }
    return (float) total;
  }

  /** A Poisson draw of mean {@code mean}. */
  private static long hits(double mean, SplittableRandom random) {
    if (mean > NORMAL_ABOVE) {
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    long n = 0;
    while (product > limit) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }
}
