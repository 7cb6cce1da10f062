package io.wattsweep.common.event;

import java.util.List;

/**
 * A worker is alive, and holds these jobs: those it runs and one it has taken and waits to place on
 * its GPUs; none when idle. {@code jobId} is the first of them, for readers of the first release,
 * which knew one job per worker; {@code jobIds}, added later, is all of them (null from such an old
 * writer: then the job {@code jobId} names, if any).
 */
public record WorkerHeartbeat(
    String workerId, String gpuClass, String host, long atMs, String jobId, List<String> jobIds)
    implements Event {
  public WorkerHeartbeat {
    if (workerId == null || workerId.isBlank()) {
      throw new IllegalArgumentException("workerId must not be blank: " + workerId);
    }
    if (jobIds == null) {
      jobIds = jobId == null ? List.of() : List.of(jobId);
    } else {
      if (jobIds.stream().anyMatch(id -> id == null || id.isBlank())) {
        throw new IllegalArgumentException("jobIds must not hold a blank id: " + jobIds);
      }
      jobIds = List.copyOf(jobIds);
      jobId = jobIds.isEmpty() ? null : jobIds.get(0);
    }
  }

  /** A beat holding these jobs (none: an idle worker). */
  public static WorkerHeartbeat of(
      String workerId, String gpuClass, String host, long atMs, List<String> jobIds) {
    return new WorkerHeartbeat(workerId, gpuClass, host, atMs, null, jobIds);
  }
}
