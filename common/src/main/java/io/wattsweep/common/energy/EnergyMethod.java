package io.wattsweep.common.energy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How an energy figure was obtained. Every figure carries one, so an estimate never passes as a
 * measurement.
 */
public enum EnergyMethod {
  /** Difference of NVML's total-energy counter at the window's edges. */
  NVML_ENERGY_COUNTER("nvml-energy-counter", false),
  /** Integral of NVML's instant power, where the counter is not supported. */
  NVML_INSTANT_POWER("nvml-instant-power", false),
  /** Difference of the CPU's RAPL energy counter. */
  RAPL("rapl", false),
  /** Not a measurement: a model of power from the processor's TDP and its utilization. */
  TDP_ESTIMATE("tdp-estimate", true);

  private final String wireName;
  private final boolean estimate;

  EnergyMethod(String wireName, boolean estimate) {
    this.wireName = wireName;
    this.estimate = estimate;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** True when figures from this method are estimates and must be labelled so. */
  public boolean isEstimate() {
    return estimate;
  }

  @JsonCreator
  public static EnergyMethod parse(String value) {
    for (EnergyMethod m : values()) {
      if (m.wireName.equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException("energyMethod is not known: '" + value + "'");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
