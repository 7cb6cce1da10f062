package io.wattsweep.common.event;

/** A worker is alive; {@code jobId} is the job it runs, or null when idle. */
public record WorkerHeartbeat(String workerId, String gpuClass, String host, long atMs, String jobId)
    implements Event {
  public WorkerHeartbeat {
    if (workerId == null || workerId.isBlank()) {
      throw new IllegalArgumentException("workerId must not be blank: " + workerId);
    }
  }
}
