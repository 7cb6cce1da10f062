package io.wattsweep.common.event;

/**
 * An event of one run (one attempt at a job). {@code (runId, seq)} identifies it: a redelivered
 * event carries the same pair and changes nothing in the catalog.
 */
public sealed interface RunEvent extends Event
    permits RunStarted, PowerSample, BatchMeasured, RunCompleted, RunFailed {
  String jobId();

  String runId();

  /** Position in the run, from 0, without gaps. */
  long seq();

  static void check(String jobId, String runId, long seq) {
    if (jobId == null || jobId.isBlank()) {
      throw new IllegalArgumentException("jobId must not be blank: " + jobId);
    }
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("runId must not be blank: " + runId);
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0: " + seq);
    }
  }
}
