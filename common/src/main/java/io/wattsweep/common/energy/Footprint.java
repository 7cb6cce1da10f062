package io.wattsweep.common.energy;

/**
 * What an amount of device energy means at the facility: energy x PUE, its CO2-equivalent at a
 * grid's carbon intensity, and its cost at a price per kWh.
 *
 * @param gridIntensityGramsPerKwh grams of CO2e per kWh (475 by default: the world average that the
 *     IEA reported for 2019)
 * @param pue power usage effectiveness of the data centre (1 counts the devices alone)
 * @param pricePerKwh price of a kWh, or null where none is configured (then no cost is shown)
 * @param currency the price's currency code
 */
public record Footprint(
    double gridIntensityGramsPerKwh, double pue, Double pricePerKwh, String currency) {

  public static final Footprint DEFAULT = new Footprint(475, 1.0, null, "EUR");

  public Footprint {
    if (!(gridIntensityGramsPerKwh >= 0)) {
      throw new IllegalArgumentException(
          "gridIntensityGramsPerKwh must be >= 0: " + gridIntensityGramsPerKwh);
    }
    if (!(pue >= 1)) {
      throw new IllegalArgumentException("pue must be >= 1: " + pue);
    }
    if (pricePerKwh != null && !(pricePerKwh >= 0)) {
      throw new IllegalArgumentException("pricePerKwh must be >= 0: " + pricePerKwh);
    }
  }

  /** Facility energy in kWh for this much device energy. */
  public double facilityKwh(double deviceJoules) {
    return deviceJoules / 3.6e6 * pue;
  }

  public double co2eKilograms(double deviceJoules) {
    return facilityKwh(deviceJoules) * gridIntensityGramsPerKwh / 1000;
  }

  /** The cost, or null where no price is configured. */
  public Double cost(double deviceJoules) {
    return pricePerKwh == null ? null : facilityKwh(deviceJoules) * pricePerKwh;
  }
}
