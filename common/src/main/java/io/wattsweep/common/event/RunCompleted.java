package io.wattsweep.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.energy.IdleBaseline;

/**
 * A run finished its measured span. The span's energy is the meter's difference at the span's edges
 * (not a sum of rounded per-batch figures).
 *
 * <p>{@code artifact} is the trained generator the run saved after its span, or null in a payload
 * from a writer that did not save one (it is optional on the wire, see {@link EventCodec}).
 *
 * @param idlePowerWatts the idle power that "net of idle" subtracts, the one {@code idleBaseline}
 *     names
 * @param warmupBatches the warm-up batches run before the span; null from an older worker
 * @param powerSettled whether power had settled when warm-up ended; false where warm-up hit its cap
 *     first, or had too few batches to tell; null from an older worker
 * @param idleBaseline which idle {@code idlePowerWatts} is; null from an older worker, whose
 *     baseline was the bare idle
 */
public record RunCompleted(
    String jobId,
    String runId,
    long seq,
    long atMs,
    int measuredBatches,
    long spanDurationNanos,
    double spanEnergyJoules,
    double idlePowerWatts,
    EnergyMethod energyMethod,
    Artifact artifact,
    Integer warmupBatches,
    Boolean powerSettled,
    IdleBaseline idleBaseline)
    implements RunEvent {

  @JsonCreator
  public RunCompleted {
    RunEvent.check(jobId, runId, seq);
    if (measuredBatches < 1) {
      throw new IllegalArgumentException("measuredBatches must be >= 1: " + measuredBatches);
    }
    if (spanDurationNanos <= 0) {
      throw new IllegalArgumentException("spanDurationNanos must be > 0: " + spanDurationNanos);
    }
    if (energyMethod == null) {
      throw new IllegalArgumentException("energyMethod must be set: null");
    }
    if (warmupBatches != null && warmupBatches < 0) {
      throw new IllegalArgumentException("warmupBatches must be >= 0: " + warmupBatches);
    }
  }
}
