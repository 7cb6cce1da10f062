package io.wattsweep.worker.process;

import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;
import java.io.IOException;
import java.util.function.Consumer;

/** Runs one job to its end, passing on each event of the run as it happens. Blocking. */
public interface JobLauncher {
  /**
   * How the job's process ended.
   *
   * @param errorTail the last lines the process wrote to standard error, for a failure message
   */
  record Outcome(int exitCode, boolean timedOut, String errorTail) {}

  Outcome run(JobSpec job, String runId, Consumer<RunEvent> onEvent)
      throws IOException, InterruptedException;

  /** Ends the job that runs now, if any, and what it started; {@link #run} then returns. */
  default void abort() {}
}
