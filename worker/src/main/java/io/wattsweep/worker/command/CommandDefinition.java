package io.wattsweep.worker.command;

import io.wattsweep.common.spec.FullTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command workload of a worker's commands file: what to execute for a job that names it.
 *
 * @param name the name sweeps use, as {@code model: command:NAME}
 * @param argv the program and its arguments, executed directly (no shell)
 * @param workingDirectory where it runs
 * @param env variables added to the job's environment
 * @param framework what trains, as recorded with each run ("unknown" where not given)
 * @param fullTraining what a full training of it means, for jobs whose sweep names none; null for
 *     no extrapolation
 */
public record CommandDefinition(
    String name,
    List<String> argv,
    Path workingDirectory,
    Map<String, String> env,
    String framework,
    FullTraining fullTraining) {

  public CommandDefinition {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }
}
