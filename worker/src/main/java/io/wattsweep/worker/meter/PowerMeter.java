package io.wattsweep.worker.meter;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import java.util.List;

/**
 * Energy and power of the devices a job trains on, summed over them. A window's energy is the
 * difference of {@link #energyJoules()} at its edges; {@link #powerWatts()} is for live charts only
 * and is never integrated into energy by callers. Implementations are thread-safe: the training
 * thread reads window edges while a sampler thread reads power.
 */
public interface PowerMeter extends AutoCloseable {
  EnergyMethod method();

  List<DeviceInfo> devices();

  /** Cumulative energy since an arbitrary origin, in joules, summed over the devices. */
  double energyJoules();

  /** Present power, in watts, summed over the devices. */
  double powerWatts();

  /** The quantum of a window's energy: differences are only this exact. */
  double resolutionJoules();

  @Override
  void close();
}
