package io.wattsweep.worker.meter;

import java.util.List;

/**
 * A meter that can tell each device's share of its energy: RAPL per CPU package, NVML per GPU. The
 * meter command reports per device from it; a plain {@link PowerMeter} is reported in total.
 */
public interface DeviceEnergyMeter extends PowerMeter {
  /**
   * Each device's cumulative energy in joules, in the order of {@link #devices()}, read together:
   * they sum to what {@link #energyJoules()} would have returned at that moment.
   */
  List<Double> deviceEnergiesJoules();
}
