package io.wattsweep.worker.command;

import io.wattsweep.common.spec.CommandName;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.artifact.FileTrees;
import io.wattsweep.worker.process.ErrorTail;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's workload that is a command from the worker's commands file, run as a child of the job's
 * process and stepped by the step markers it prints ({@link StepMarker}: one {@code WATTSWEEP_STEP}
 * line per batch).
 *
 * <p>A step ends at the next marker ({@code WATTSWEEP_STEP} or {@code WATTSWEEP_STEP_END}) or at
 * the command's exit; {@link #step()} returns then, so that the run reads the meter at each step's
 * end. The first {@code warmupBatches} steps are warm-up, the next {@code measuredBatches} are
 * measured; the measured span starts where the first measured step starts ({@link
 * #awaitStepStart()}), and its batches tile it as built-in runs' do, so time between a {@code
 * WATTSWEEP_STEP_END} and the next {@code WATTSWEEP_STEP} counts toward the next batch. The run
 * completes once the command exits with 0 ({@link #finish()}); markers after the last measured step
 * are ignored.
 *
 * <p>The command gets the job in its environment: {@code WATTSWEEP_JOB_ID}, {@code
 * WATTSWEEP_WORKLOAD} (its name), {@code WATTSWEEP_BATCH_SIZE} (global), {@code
 * WATTSWEEP_PRECISION}, {@code WATTSWEEP_GPUS}, {@code WATTSWEEP_WARMUP_BATCHES}, {@code
 * WATTSWEEP_MEASURED_BATCHES}, {@code CUDA_VISIBLE_DEVICES} (the GPUs the run meters: the first
 * {@code gpus} of the worker's, none on a {@code cpu} worker), {@code NVIDIA_TF32_OVERRIDE=0} for
 * fp32, and {@code PYTHONUNBUFFERED=1} unless set, so that a Python script's markers arrive on
 * time. wattsweep cannot see what precision a command runs: the run's precision is the request,
 * labelled as not verified. {@code WATTSWEEP_ARTIFACT_DIR} names an empty directory: what the
 * command writes there (its trained model, say) becomes the run's artifact, as a built-in model's
 * generator does; a command that writes nothing leaves its run without one.
 */
public final class CommandWorkload implements Workload {
  private static final Logger LOG = LoggerFactory.getLogger(CommandWorkload.class);
  private static final StepLosses NO_LOSSES = new StepLosses(Double.NaN, Double.NaN);

  private enum Signal {
    BEGIN,
    END,
    EXIT
  }

  private final CommandDefinition command;
  private final WorkloadSpec spec;
  private final Process process;
  private final Path artifactDir;
  private final ErrorTail errors;
  private final Thread pump;
  private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
  private final int stepsNeeded;
  private int stepsDone;
  private boolean inStep;
  private boolean exited;

  private CommandWorkload(
      CommandDefinition command, WorkloadSpec spec, Process process, Path artifactDir) {
    this.command = command;
    this.spec = spec;
    this.process = process;
    this.artifactDir = artifactDir;
    this.stepsNeeded = spec.warmupBatches() + spec.measuredBatches();
    this.errors = new ErrorTail(process.getErrorStream(), 20);
    this.pump = new Thread(this::pump, "command-output");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts the command workload the spec names as its model ({@code command:NAME}), from the
   * worker's commands file.
   *
   * @throws IllegalArgumentException where this worker has no workload of that name
   * @throws IllegalStateException where the commands file cannot be read any more
   * @throws CommandFailedException where the command cannot be started
   */
  public static CommandWorkload open(
      WorkloadSpec spec, WorkerConfig config, Map<String, String> env) {
    String name = CommandName.of("model", spec.model());
    CommandWorkloads commands;
    try {
      commands = CommandWorkloads.load(config.commandsFile());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the worker's commands file changed and is now wrong: " + e.getMessage(), e);
    }
    CommandDefinition command = commands.named(name);
    var builder =
        new ProcessBuilder(command.argv())
            .directory(command.workingDirectory().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(command.env());
    builder.environment().putAll(jobEnv(spec, config, env));
    builder.environment().putIfAbsent("PYTHONUNBUFFERED", "1");
    Path artifactDir = null;
    try {
      artifactDir = Files.createTempDirectory("wattsweep-command-artifact-");
      builder.environment().put("WATTSWEEP_ARTIFACT_DIR", artifactDir.toString());
      Process process = builder.start();
      LOG.info(
          "Job {} runs command workload {} in process {}: {}",
          spec.jobId(),
          name,
          process.pid(),
          command.argv());
      return new CommandWorkload(command, spec, process, artifactDir);
    } catch (IOException e) {
      if (artifactDir != null) {
        FileTrees.delete(artifactDir);
      }
      throw new CommandFailedException(
          "command workload '"
              + name
              + "' cannot be started ("
              + command.argv()
              + "): "
              + e.getMessage());
    }
  }

  /** What wattsweep tells the command about its job. */
  static Map<String, String> jobEnv(
      WorkloadSpec spec, WorkerConfig config, Map<String, String> env) {
    var out = new HashMap<String, String>();
    out.put("WATTSWEEP_JOB_ID", spec.jobId());
    out.put("WATTSWEEP_WORKLOAD", CommandName.of("model", spec.model()));
    out.put("WATTSWEEP_BATCH_SIZE", Integer.toString(spec.batchSize()));
    out.put("WATTSWEEP_PRECISION", spec.precision().wireName());
    out.put("WATTSWEEP_GPUS", Integer.toString(spec.devices()));
    out.put("WATTSWEEP_WARMUP_BATCHES", Integer.toString(spec.warmupBatches()));
    out.put("WATTSWEEP_MEASURED_BATCHES", Integer.toString(spec.measuredBatches()));
    out.put("CUDA_VISIBLE_DEVICES", visibleGpus(spec.devices(), config, env));
    if (spec.precision() == Precision.FP32) {
      // fp32 means fp32: stop cuBLAS/cuDNN from using TF32 tensor cores behind the job's back.
      out.put("NVIDIA_TF32_OVERRIDE", "0");
    }
    return out;
  }

  /** The GPUs the run's meter meters: the first {@code gpus} visible ones, as NVML picks them. */
  private static String visibleGpus(int gpus, WorkerConfig config, Map<String, String> env) {
    if ("cpu".equals(config.gpuClass())) {
      return ""; // a CPU worker meters no GPU, so its jobs get none
    }
    String visible = env.get("CUDA_VISIBLE_DEVICES");
    if (visible == null) {
      return IntStream.range(0, gpus).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
    return Arrays.stream(visible.split(","))
        .map(String::strip)
        .limit(gpus)
        .collect(Collectors.joining(","));
  }

  private void pump() {
    try (var out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        Optional<StepMarker> marker =
            line.length() <= StepMarker.MAX_LINE_CHARS ? StepMarker.parse(line) : Optional.empty();
        if (marker.isPresent()) {
          signals.add(marker.get().isEnd() ? Signal.END : Signal.BEGIN);
        } else {
          System.err.println(line);
        }
      }
    } catch (IOException e) {
      LOG.warn("Reading the output of job {}'s command failed: {}", spec.jobId(), e.toString());
    } finally {
      signals.add(Signal.EXIT);
    }
  }

  /** A command starts its work (imports, data loading) at once: it is never idle when built. */
  @Override
  public boolean idleWhenBuilt() {
    return false;
  }

  /** Blocks until the step in progress, or the next to begin, ends. */
  @Override
  public StepLosses step() {
    if (!inStep) {
      awaitStepStart();
    }
    Signal s = next();
    stepsDone++;
    inStep = s == Signal.BEGIN;
    if (s == Signal.EXIT) {
      int status = exitStatus();
      if (status != 0 || stepsDone < stepsNeeded) {
        throw failed(status);
      }
    }
    return NO_LOSSES;
  }

  /** Blocks until the command prints the marker of its next step. */
  @Override
  public void awaitStepStart() {
    while (!inStep) {
      Signal s = next();
      if (s == Signal.EXIT) {
        throw failed(exitStatus());
      }
      inStep = s == Signal.BEGIN; // an end outside a step changes nothing
    }
  }

  /** Waits for the command to exit; anything but 0 fails the run. */
  @Override
  public void finish() {
    int status = exitStatus();
    if (status != 0) {
      throw failed(status);
    }
    long extra = signals.stream().filter(s -> s == Signal.BEGIN).count();
    if (extra > 0) {
      LOG.info(
          "Job {}'s command marked {} more step(s) after the last measured one; ignored",
          spec.jobId(),
          extra);
    }
  }

  private Signal next() {
    if (exited) {
      return Signal.EXIT;
    }
    try {
      Signal s = signals.take();
      exited = s == Signal.EXIT;
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for job " + spec.jobId() + "'s command", e);
    }
  }

  /** The command's exit status, once its output has ended. */
  private int exitStatus() {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while waiting for job " + spec.jobId() + "'s command to exit", e);
    }
  }

  private CommandFailedException failed(int status) {
    String what =
        status != 0
            ? "exited with status "
                + status
                + " after "
                + stepsDone
                + " of the "
                + stepsNeeded
                + " steps the job needs"
            : "exited with status 0 having ended "
                + stepsDone
                + " of the "
                + stepsNeeded
                + " steps the job needs ("
                + spec.warmupBatches()
                + " warm-up + "
                + spec.measuredBatches()
                + " measured, as WATTSWEEP_WARMUP_BATCHES and"
                + " WATTSWEEP_MEASURED_BATCHES say): it must print a '"
                + StepMarker.BEGIN
                + "' line as each batch begins";
    String tail;
    try {
      tail = errors.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tail = "";
    }
    return new CommandFailedException(
        "command workload '"
            + command.name()
            + "' "
            + what
            + (tail.isEmpty() ? "" : "; its last output: " + tail));
  }

  /** Where the command was told to write its artifact ({@code WATTSWEEP_ARTIFACT_DIR}). */
  Path artifactDir() {
    return artifactDir;
  }

  /** Copies what the command wrote into {@code WATTSWEEP_ARTIFACT_DIR}, subfolders included. */
  @Override
  public boolean saveGenerator(Path directory) {
    try {
      return FileTrees.copy(artifactDir, directory) > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "copying what command workload '"
              + command.name()
              + "' wrote into "
              + artifactDir
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public ModelInfo info() {
    return new ModelInfo(spec.model(), 1.0, 0, 0, 0, "unknown: a command workload");
  }

  /** The request: a command's own precision is not visible to wattsweep. */
  @Override
  public Precision precisionRan() {
    return spec.precision();
  }

  @Override
  public String precisionNote() {
    return "not verified: the command was asked for "
        + spec.precision()
        + " (WATTSWEEP_PRECISION"
        + (spec.precision() == Precision.FP32 ? ", NVIDIA_TF32_OVERRIDE=0" : "")
        + "); wattsweep cannot see the precision a command runs";
  }

  @Override
  public Optional<String> framework() {
    return Optional.of(command.framework() + " (command workload " + command.name() + ")");
  }

  @Override
  public Optional<FullTraining> fullTraining() {
    return Optional.ofNullable(command.fullTraining());
  }

  /** Stops the command, and whatever it started, if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      LOG.warn("Stopping job {}'s command (process {})", spec.jobId(), process.pid());
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    try {
      process.waitFor(5, TimeUnit.SECONDS);
      pump.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    FileTrees.delete(artifactDir);
  }
}
