package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.spec.CommandName;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.ModelName;

/**
 * What a completed run's extrapolation uses: its job's full training; for a command workload whose
 * sweep named none, the one the worker's commands file defines; else none, with why (a built-in
 * model's full training may be unknown too).
 *
 * @param training null for no extrapolation
 * @param note where the training came from when not from the job, or why there is none; null when
 *     the job named it
 */
record TrainingChoice(FullTraining training, String note) {

  static TrainingChoice of(JobSpec job, FullTraining workers) {
    if (job.fullTraining() != null) {
      return new TrainingChoice(job.fullTraining(), null);
    }
    if (!CommandName.isCommand(job.model())) {
      return new TrainingChoice(
          null,
          "no full-training extrapolation for "
              + job.model()
              + ": "
              + ModelName.parse("model", job.model()).fullTrainingSource());
    }
    String name = CommandName.of("model", job.model());
    if (workers != null) {
      return new TrainingChoice(
          workers,
          "full training as the worker's commands file defines it"
              + " for command workload '"
              + name
              + "' (datasetSize "
              + workers.datasetSize()
              + ", epochs "
              + workers.epochs()
              + "): the sweep named none");
    }
    return new TrainingChoice(
        null,
        "no full-training extrapolation: command workload '"
            + name
            + "' has no built-in full training, and neither the sweep nor the worker's commands"
            + " file defines one (fullTraining: {datasetSize, epochs})");
  }
}
