package io.wattsweep.worker.run;

import io.wattsweep.common.spec.CommandName;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.command.CommandWorkload;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.Workloads;
import java.util.Map;

/**
 * Opens whatever workload a job's spec names, in one way for both kinds: a command workload from
 * the worker's commands file ({@code command:NAME}) or a built-in model.
 */
final class JobWorkloads {
  private final WorkerConfig config;
  private final Map<String, String> env;

  /**
   * @param config the worker's, for its commands file and GPU class
   * @param env the process's environment, for the GPUs a command may see
   */
  JobWorkloads(WorkerConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  /**
   * Builds or starts the workload.
   *
   * @throws IllegalArgumentException naming the model where this worker has no such workload
   */
  Workload open(WorkloadSpec spec) {
    return CommandName.isCommand(spec.model())
        ? CommandWorkload.open(spec, config, env)
        : Workloads.open(spec);
  }
}
