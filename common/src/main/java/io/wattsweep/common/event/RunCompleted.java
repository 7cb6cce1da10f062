package io.wattsweep.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.wattsweep.common.energy.EnergyMethod;

/**
 * A run finished its measured span. The span's energy is the meter's difference at the span's
 * edges (not a sum of rounded per-batch figures).
 *
 * <p>{@code artifact} is the trained generator the run saved after its span, or null in a payload
 * from a writer that did not save one (it is optional on the wire, see {@link EventCodec}).
 */
public record RunCompleted(
    String jobId, String runId, long seq, long atMs, int measuredBatches,
    long spanDurationNanos, double spanEnergyJoules, double idlePowerWatts,
    EnergyMethod energyMethod, Artifact artifact) implements RunEvent {

  /** A completion without an artifact. */
  public RunCompleted(String jobId, String runId, long seq, long atMs, int measuredBatches,
      long spanDurationNanos, double spanEnergyJoules, double idlePowerWatts,
      EnergyMethod energyMethod) {
    this(jobId, runId, seq, atMs, measuredBatches, spanDurationNanos, spanEnergyJoules,
        idlePowerWatts, energyMethod, null);
  }

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
  }
}
