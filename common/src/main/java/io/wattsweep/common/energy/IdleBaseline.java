package io.wattsweep.common.energy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which idle power a run's "net of idle" subtracted. The job's own process holds its devices (a
 * CUDA context, a session, memory) and keeps them above their bare idle, so net is only honest
 * against the idle measured with the job ready; where that cannot be measured (a command workload
 * is never idle between its start and its first step), the bare idle is used and named.
 */
public enum IdleBaseline {
  /** The job's devices with its process, context and session ready, before its first step. */
  JOB_READY("job-ready"),
  /** The job's devices before its process built anything: lower than what the job holds. */
  NO_JOB("no-job");

  private final String wireName;

  IdleBaseline(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static IdleBaseline parse(String value) {
    for (IdleBaseline b : values()) {
      if (b.wireName.equals(value)) {
        return b;
      }
    }
    throw new IllegalArgumentException("idleBaseline is not known: '" + value + "'");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
