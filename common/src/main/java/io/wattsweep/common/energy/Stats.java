package io.wattsweep.common.energy;

/**
 * Mean, sample standard deviation and the half-width of a 95% confidence interval of the mean
 * (Student's t), of a few measured values such as the energies of 10 batches.
 */
public record Stats(int n, double mean, double stdDev, double ci95HalfWidth) {
  /** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
  private static final double[] T975 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
  };

  public static Stats of(double... values) {
    int n = values.length;
    if (n == 0) {
      throw new IllegalArgumentException("values must hold at least one value: 0");
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    if (n == 1) {
      return new Stats(1, mean, Double.NaN, Double.NaN);
    }
    double sq = 0;
    for (double v : values) {
      sq += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(sq / (n - 1));
    return new Stats(n, mean, sd, tQuantile975(n - 1) * sd / Math.sqrt(n));
  }

  /** The interval's half-width as a share of the mean: NaN for one value or a mean of 0. */
  public double ci95Share() {
    return mean == 0 ? Double.NaN : ci95HalfWidth / Math.abs(mean);
  }

  static double tQuantile975(int degreesOfFreedom) {
    if (degreesOfFreedom <= T975.length) {
      return T975[degreesOfFreedom - 1];
    }
    // Cornish-Fisher expansion around the normal quantile: within 1e-3 above 30 degrees.
    double z = 1.959964;
    double v = degreesOfFreedom;
    return z
        + (z * z * z + z) / (4 * v)
        + (5 * Math.pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v);
  }
}
