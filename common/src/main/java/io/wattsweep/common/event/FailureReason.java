package io.wattsweep.common.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Why a run failed, as stored in the catalog and shown by the API. */
public enum FailureReason {
  OUT_OF_MEMORY("out-of-memory"),
  INVALID_SPEC("invalid-spec"),
  METER_UNAVAILABLE("meter-unavailable"),
  /**
   * A command workload exited with an error, or before it printed a step marker for every warm-up
   * and measured batch.
   */
  COMMAND_FAILED("command-failed"),
  /**
   * The worker was told to stop (SIGTERM) and gave the run up: not the job's fault, so the job goes
   * back to the queue for another worker.
   */
  ABORTED("aborted"),
  /**
   * The run reported its completion, but the catalog holds fewer measured batches than it measured
   * (set by the coordinator, never sent by a worker).
   */
  INCOMPLETE("incomplete"),
  INTERNAL("internal");

  private final String wireName;

  FailureReason(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static FailureReason parse(String value) {
    for (FailureReason r : values()) {
      if (r.wireName.equals(value)) {
        return r;
      }
    }
    throw new IllegalArgumentException("reason is not known: '" + value + "'");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
