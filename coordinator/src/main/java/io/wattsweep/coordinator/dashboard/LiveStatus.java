package io.wattsweep.coordinator.dashboard;

import java.util.List;

/**
 * {@code GET /api/v1/sweeps/{id}/live}: what the coordinator has just heard of a sweep's jobs, from
 * memory (the terminal's progress bar polls it).
 *
 * @param serverTimeMs the coordinator's clock, so a client can tell how old a reading is
 * @param jobs the sweep's jobs whose latest run is remembered, in the sweep's order
 */
public record LiveStatus(String sweepId, long serverTimeMs, List<JobLive> jobs) {

  /**
   * A job's latest run.
   *
   * @param state running, completed or failed
   * @param batchesDone measured batches done so far
   * @param powerWatts the latest power sample (summed over the run's devices), null before one
   * @param method where power and energy come from; {@code estimate} says it is not measured
   */
  public record JobLive(
      String jobId,
      String runId,
      String workerId,
      String state,
      int batchesDone,
      Double powerWatts,
      Long powerAtMs,
      String method,
      boolean estimate) {}
}
