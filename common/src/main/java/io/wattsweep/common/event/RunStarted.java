package io.wattsweep.common.event;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.spec.Precision;
import java.util.List;

/**
 * A worker started a job: where it runs, on what, and how its energy will be measured.
 *
 * @param precisionRan what actually ran; differs from the request where the device cannot
 * @param idlePowerWatts summed idle power of the devices, measured before the run
 * @param framework the training framework and its version
 */
public record RunStarted(
    String jobId, String runId, long seq, long atMs, String workerId, String host,
    Precision precisionRequested, Precision precisionRan, String precisionNote,
    List<DeviceInfo> devices, EnergyMethod energyMethod, double idlePowerWatts,
    long generatorParameters, long discriminatorParameters, long flopsPerStep,
    String framework) implements RunEvent {
  public RunStarted {
    RunEvent.check(jobId, runId, seq);
    if (devices == null) {
      throw new IllegalArgumentException("devices must be set: null");
    }
    devices = List.copyOf(devices);
    if (energyMethod == null) {
      throw new IllegalArgumentException("energyMethod must be set: null");
    }
    precisionNote = precisionNote == null ? "" : precisionNote;
  }
}
