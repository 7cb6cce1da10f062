package io.wattsweep.worker.metrics;

import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;

/**
 * Hears what a worker's jobs do, as it happens: for metrics. Called from the thread that relays a
 * job's events, so implementations are thread-safe, quick, and never throw.
 */
public interface RunObserver {
  /** Hears nothing. */
  RunObserver NONE =
      new RunObserver() {
        @Override
        public void jobStarted(JobSpec job, String runId) {}

        @Override
        public void event(JobSpec job, RunEvent event) {}

        @Override
        public void jobEnded(JobSpec job, String runId) {}
      };

  /** The worker took a job and starts its run. */
  void jobStarted(JobSpec job, String runId);

  /** An event of the job's run, as it is sent (the worker's own run-failed included). */
  void event(JobSpec job, RunEvent event);

  /** The run is over and its events are sent (or failed to be). */
  void jobEnded(JobSpec job, String runId);
}
