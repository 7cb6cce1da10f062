package io.wattsweep.worker.process;

import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/** Runs a job to its end, passing on each event of the run as it happens. Blocking. */
public interface JobLauncher {
  /**
   * How the job's process ended.
   *
   * @param errorTail the last lines the process wrote to standard error, for a failure message
   */
  record Outcome(int exitCode, boolean timedOut, String errorTail) {}

  /**
   * Runs the job on these GPUs, as CUDA names them (its process sees only those), or, with none
   * named, on what the worker sees. Jobs on different GPUs may run at once.
   */
  Outcome run(JobSpec job, String runId, List<String> gpus, Consumer<RunEvent> onEvent)
      throws IOException, InterruptedException;

  /**
   * Ends every job that runs now, and what they started; each {@link #run} then returns. Implies
   * {@link #close}.
   */
  default void abort() {}

  /**
   * Starts job processes ahead of the first jobs, one for each set of GPUs (none named: the
   * worker's own), where the launcher keeps spares; the worker's first jobs then start on ready
   * processes.
   */
  default void startSpares(List<List<String>> gpuSets) {}

  /** Ends what was started ahead of jobs (spare processes) and starts no more; runs go on. */
  default void close() {}
}
