package io.wattsweep.worker.process;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job processes started ahead of their jobs: while a job runs on some GPUs, a process for the next
 * job on the same GPUs starts its JVM, loads its classes and waits ({@code JobProcess} reads its
 * job last). A job then starts on a ready process instead of paying that start as it comes, which
 * is what jobs starting side by side wait for on a busy node.
 *
 * <p>At most one spare per set of GPUs. A spare serves only a job whose process would be started as
 * the spare was ({@link Recipe#serves}: the same job-dependent environment, such as its devices and
 * precision settings, and JVM options); otherwise it is stopped and the job's process started as it
 * comes. A stopped spare is killed, so that it writes no class-data archive. A worker starts its
 * first spares as it starts ({@link Recipe#firstGuess}), later ones as each run starts (its idle
 * baselines behind it, its warm-up ahead). Thread-safe.
 */
final class SpareProcesses {
  private static final Logger LOG = LoggerFactory.getLogger(SpareProcesses.class);

  /** Starts a job's process for a recipe. */
  @FunctionalInterface
  interface Starter {
    ProcessJobLauncher.Started start(Recipe recipe) throws IOException;
  }

  private final Starter starter;
  private final Map<List<String>, ProcessJobLauncher.Started> spares = new HashMap<>();
  private boolean closed;

  SpareProcesses(Starter starter) {
    this.starter = starter;
  }

  /**
   * The spare started for {@code gpus}, if its recipe {@linkplain Recipe#serves serves} {@code
   * recipe} and it still lives; any other spare for those GPUs is stopped.
   */
  synchronized Optional<ProcessJobLauncher.Started> take(List<String> gpus, Recipe recipe) {
    ProcessJobLauncher.Started spare = spares.remove(gpus);
    if (spare == null) {
      return Optional.empty();
    }
    if (spare.recipe().serves(recipe) && spare.process().isAlive()) {
      return Optional.of(spare);
    }
    stop(spare);
    return Optional.empty();
  }

  /**
   * Starts a spare for {@code gpus} with {@code recipe}, unless one waits there or spares ended.
   */
  synchronized void offer(List<String> gpus, Recipe recipe) {
    if (closed || spares.containsKey(gpus)) {
      return;
    }
    try {
      ProcessJobLauncher.Started spare = starter.start(recipe);
      spares.put(List.copyOf(gpus), spare);
      LOG.debug("Spare job process {} waits for the next job on GPUs {}", spare.pid(), gpus);
    } catch (IOException | RuntimeException e) {
      LOG.warn("No spare job process: {}", e.toString());
    }
  }

  /** Stops every spare; none is started after this. */
  synchronized void close() {
    closed = true;
    spares.values().forEach(SpareProcesses::stop);
    spares.clear();
  }

  private static void stop(ProcessJobLauncher.Started spare) {
    spare.process().destroyForcibly();
    spare.process().onExit().thenRun(() -> spare.launch().exited().accept(-1));
  }
}
