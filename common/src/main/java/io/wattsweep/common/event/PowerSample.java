package io.wattsweep.common.event;

import io.wattsweep.common.energy.EnergyMethod;

/** Live power of the run's devices, summed, for charts; energy figures never come from these. */
public record PowerSample(
    String jobId, String runId, long seq, long atMs, double powerWatts, EnergyMethod method)
    implements RunEvent {
  public PowerSample {
    RunEvent.check(jobId, runId, seq);
  }
}
