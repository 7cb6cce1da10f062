package io.wattsweep.common.event;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.Precision;
import java.util.List;

/**
 * A worker started a job: where it runs, on what, and how its energy will be measured.
 *
 * @param precisionRan what actually ran; differs from the request where the device cannot. A
 *     command workload's is the request, which wattsweep cannot verify: its note says so
 * @param idlePowerWatts summed idle power of the devices, measured before the job's process built
 *     anything (no context, no session): the bare idle
 * @param readyIdlePowerWatts summed idle power of the devices with the job's process, context and
 *     session ready, before its first step: the baseline of "net of idle"; null where it cannot be
 *     measured (a command workload works from its start) or a worker that predates it
 * @param generatorParameters 0 where unknown (a command workload), as are the other sizes
 * @param framework the training framework and its version
 * @param workerFullTraining the full training that the worker's operator defined for a command
 *     workload, for the extrapolation of a job that names none; null otherwise
 * @param architecture the networks as built (each network's parameters, variables and shapes); null
 *     where wattsweep did not build the model (a command workload)
 * @param sourceRevision the git commit the worker was built from, "-dirty" appended when built with
 *     uncommitted changes; null where the build had no git repository
 */
public record RunStarted(
    String jobId,
    String runId,
    long seq,
    long atMs,
    String workerId,
    String host,
    Precision precisionRequested,
    Precision precisionRan,
    String precisionNote,
    List<DeviceInfo> devices,
    EnergyMethod energyMethod,
    double idlePowerWatts,
    long generatorParameters,
    long discriminatorParameters,
    long flopsPerStep,
    String framework,
    FullTraining workerFullTraining,
    String architecture,
    String sourceRevision,
    Double readyIdlePowerWatts)
    implements RunEvent {
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
