package io.wattsweep.worker.cli;

import io.wattsweep.common.json.Json;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.cli.MeterOptions.UsageException;
import io.wattsweep.worker.cli.StepRecorder.Edge;
import io.wattsweep.worker.command.StepMarker;
import io.wattsweep.worker.meter.PerGpuNvmlMeter;
import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.meter.PowerMeters;
import io.wattsweep.worker.meter.PowerSampler;
import io.wattsweep.worker.meter.nvml.NvmlUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code wattsweep meter [--gpus LIST] [--interval-ms N] [--json FILE] -- COMMAND ARGS...}: runs
 * any command (a PyTorch or TensorFlow training script, say), meters the energy it takes with the
 * best meter this machine has, and prints wall time, energy and mean power per device and in total,
 * with the method; exits with the command's status.
 *
 * <p>The meter: NVML for the GPUs named by {@code --gpus} (the command gets them as {@code
 * CUDA_VISIBLE_DEVICES}), else those in {@code CUDA_VISIBLE_DEVICES}, else every GPU; where NVML
 * cannot be used, the CPU packages' RAPL counters; else an estimate from the CPU's TDP and
 * utilization, labelled as one. The energy of the run and of each step is the difference of the
 * meter's counter at its edges; power is sampled every {@code --interval-ms} for display, and to
 * integrate instant power on GPUs without an energy counter. Energy is the devices' whole energy
 * over the run, other processes' share included: a meter cannot tell processes apart.
 *
 * <p>Steps: the command may print {@link StepMarker} lines ({@code WATTSWEEP_STEP <name>}, {@code
 * WATTSWEEP_STEP_END}) on its standard output to get energy per step, each with its quantum. The
 * command's standard input and error are its own; its standard output is passed through byte for
 * byte as it arrives. The report goes to standard error, as {@code time}'s does.
 */
public final class MeterCommand {
  private static final Logger LOG = LoggerFactory.getLogger(MeterCommand.class);

  /** How long output is awaited after the command exits, where a child of it holds the pipe. */
  private static final long DRAIN_MILLIS = 2_000;

  /** The exit status when the command cannot be started, as a shell's "command not found". */
  static final int CANNOT_RUN = 127;

  /** The exit status of a usage error. */
  static final int USAGE_ERROR = 2;

  private final Map<String, String> env;
  private final OutputStream out;
  private final PrintStream err;
  private final LongSupplier nanoClock;

  MeterCommand(Map<String, String> env, OutputStream out, PrintStream err, LongSupplier nanoClock) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.nanoClock = nanoClock;
  }

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(MeterOptions.USAGE);
      return;
    }
    int status =
        new MeterCommand(System.getenv(), System.out, System.err, System::nanoTime).run(args);
    System.exit(status);
  }

  /** Runs the command metered; returns the command's exit status, or 2 / 127 on our errors. */
  int run(String... args) {
    MeterOptions options;
    WorkerConfig config;
    try {
      options = MeterOptions.parse(args);
      config = WorkerConfig.fromEnv(env);
    } catch (IllegalArgumentException | UsageException e) {
      err.println("wattsweep meter: " + e.getMessage());
      err.println(MeterOptions.USAGE);
      return USAGE_ERROR;
    }
    Selected selected;
    try {
      selected = select(options, config);
    } catch (IllegalArgumentException e) {
      err.println("wattsweep meter: " + e.getMessage());
      return USAGE_ERROR;
    }
    try (PowerMeter meter = selected.meter()) {
      return meter(options, meter, selected.why());
    }
  }

  private int meter(MeterOptions options, PowerMeter meter, String why) {
    ProcessBuilder builder =
        new ProcessBuilder(options.command())
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(ProcessBuilder.Redirect.PIPE);
    Map<String, String> childEnv = builder.environment();
    childEnv.clear();
    childEnv.putAll(env);
    options.gpus().ifPresent(gpus -> childEnv.put("CUDA_VISIBLE_DEVICES", String.join(",", gpus)));
    // A Python child that buffers its output would send every marker at its exit.
    childEnv.putIfAbsent("PYTHONUNBUFFERED", "1");

    // Loaded now, not at the first marker, whose edge would lag by the class loading.
    StepMarker.parse(StepMarker.END);
    StepRecorder recorder = new StepRecorder(meter, nanoClock);
    PowerSampler sampler = PowerSampler.start(meter, options.interval());
    Process process;
    try {
      recorder.begin();
      process = builder.start();
    } catch (IOException e) {
      sampler.close();
      err.println(
          "wattsweep meter: cannot run " + options.command().get(0) + ": " + e.getMessage());
      return CANNOT_RUN;
    } catch (RuntimeException e) {
      sampler.close();
      err.println("wattsweep meter: the meter cannot be read: " + e);
      return CANNOT_RUN;
    }
    // If this JVM is stopped (Ctrl-C, a kill), the command does not outlive it.
    Thread reaper = new Thread(process::destroy, "meter-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    Thread pump = new Thread(() -> pump(process.getInputStream(), recorder), "meter-output");
    pump.setDaemon(true);
    pump.start();
    int status;
    try {
      status = process.waitFor();
      pump.join(DRAIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
      status = 130;
    }
    if (pump.isAlive()) {
      LOG.warn(
          "the command exited but its output is still open (a child process of it holds"
              + " it); the run ends at the command's exit");
    }
    Optional<Edge> end = recorder.finish();
    long endNanos = end.map(Edge::nanos).orElseGet(nanoClock::getAsLong);
    sampler.close();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // The JVM is shutting down already; the hook runs and finds the process ended.
    }
    MeterResult result =
        MeterResult.of(
            options.command(),
            status,
            meter,
            why,
            recorder,
            end.orElse(null),
            endNanos,
            sampler.stats(),
            options.interval());
    err.print(result.render());
    err.flush();
    options.json().ifPresent(file -> writeJson(file, result));
    return status;
  }

  /** Copies the command's output through, handing each marker line to the recorder first. */
  private void pump(InputStream in, StepRecorder recorder) {
    byte[] buffer = new byte[8192];
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean lineTooLong = false;
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        int from = 0;
        for (int i = 0; i < n; i++) {
          if (buffer[i] != '\n') {
            continue;
          }
          if (!lineTooLong) {
            line.write(buffer, from, i - from);
            StepMarker.parse(line.toString(StandardCharsets.UTF_8)).ifPresent(recorder::mark);
          }
          out.write(buffer, from, i + 1 - from);
          line.reset();
          lineTooLong = false;
          from = i + 1;
        }
        // Part of a line: passed on now (a progress bar), kept only as long as a marker can be.
        if (!lineTooLong) {
          line.write(buffer, from, n - from);
          lineTooLong = line.size() > StepMarker.MAX_LINE_CHARS;
        }
        out.write(buffer, from, n - from);
        out.flush();
      }
      if (!lineTooLong && line.size() > 0) {
        StepMarker.parse(line.toString(StandardCharsets.UTF_8)).ifPresent(recorder::mark);
      }
    } catch (IOException e) {
      LOG.warn("reading the command's output failed: {}", e.toString());
    }
  }

  private void writeJson(Path file, MeterResult result) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), result);
    } catch (IOException e) {
      err.println("wattsweep meter: cannot write " + file + ": " + e.getMessage());
    }
  }

  /** A meter and, in a line, why it was chosen. */
  private record Selected(PowerMeter meter, String why) {}

  private Selected select(MeterOptions options, WorkerConfig config) {
    String nvmlProblem;
    try {
      Optional<List<String>> gpus = options.gpus();
      if (gpus.isPresent()) {
        return nvml(PerGpuNvmlMeter.open(gpus.get(), env, options.interval()));
      }
      String visible = env.get("CUDA_VISIBLE_DEVICES");
      if (visible == null) {
        return nvml(PerGpuNvmlMeter.openAll(env, options.interval()));
      }
      List<String> listed =
          Arrays.stream(visible.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
      if (listed.isEmpty()) {
        nvmlProblem = "CUDA_VISIBLE_DEVICES is empty: the command sees no GPU";
      } else {
        try {
          return nvml(PerGpuNvmlMeter.open(listed, env, options.interval()));
        } catch (IllegalArgumentException e) {
          nvmlProblem = "CUDA_VISIBLE_DEVICES='" + visible + "': " + e.getMessage();
        }
      }
    } catch (NvmlUnavailableException e) {
      nvmlProblem = PowerMeters.brief(e.reason());
    }
    LOG.info("No GPU is metered ({}); metering the CPU", nvmlProblem);
    PowerMeters.Choice cpu = PowerMeters.openCpu(config);
    return new Selected(cpu.meter(), cpu.why() + "; no GPU metered: " + nvmlProblem);
  }

  private static Selected nvml(PerGpuNvmlMeter meter) {
    String gpus =
        meter.devices().stream().map(d -> d.index() + " (" + d.name() + ")").toList().toString();
    return new Selected(meter, "NVML on GPU(s) " + gpus + " (the CPU is not metered)");
  }
}
