package io.wattsweep.common.event;

/** A run ended without a result, and why. */
public record RunFailed(
    String jobId, String runId, long seq, long atMs, FailureReason reason, String message)
    implements RunEvent {
  public RunFailed {
    RunEvent.check(jobId, runId, seq);
    if (reason == null) {
      throw new IllegalArgumentException("reason must be set: null");
    }
    message = message == null ? "" : message;
  }
}
