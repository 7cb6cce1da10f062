package io.wattsweep.worker.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The meter command's arguments: {@code [--gpus LIST] [--interval-ms N] [--json FILE] -- COMMAND
 * ARGS...}.
 *
 * @param gpus GPU indexes or UUIDs to meter and to give the command, if named
 * @param interval how often power is sampled
 * @param json where to write the results as JSON, if asked
 * @param command the command and its arguments
 */
record MeterOptions(
    Optional<List<String>> gpus, Duration interval, Optional<Path> json, List<String> command) {
  static final String USAGE =
      String.join(
          "\n",
          "usage: wattsweep meter [--gpus LIST] [--interval-ms N] [--json FILE] -- COMMAND ARGS...",
          "",
          "Runs COMMAND, meters the energy it takes and prints wall time, energy and mean power",
          "per device and in total, with the method (nvml-energy-counter, nvml-instant-power, rapl,",
          "or tdp-estimate, which is an estimate). Exits with COMMAND's exit status. The energy is",
          "the devices' whole energy while COMMAND runs, other work on them included: a GPU's or a",
          "CPU package's, or, for the estimate, the whole machine's CPU utilization.",
          "",
          "  --gpus LIST       GPUs to meter, as CUDA_VISIBLE_DEVICES takes them (0,1 or GPU UUIDs);",
          "                    COMMAND gets CUDA_VISIBLE_DEVICES=LIST. Default: the GPUs in",
          "                    CUDA_VISIBLE_DEVICES, else every GPU; without NVML, the CPU (RAPL,",
          "                    else a TDP estimate)",
          "  --interval-ms N   how often power is sampled (default 100)",
          "  --json FILE       also write the results to FILE as JSON",
          "",
          "Steps: COMMAND may print these lines on its standard output (flushed at once) to get",
          "energy, time and mean power per step:",
          "  WATTSWEEP_STEP <name>   a step named <name> begins; the step before it ends",
          "  WATTSWEEP_STEP_END      the step in progress ends",
          "The lines are passed through like all of COMMAND's output. PYTHONUNBUFFERED=1 is set for",
          "COMMAND unless it is already set, so that a Python script's markers arrive on time.");

  /** A command line the meter cannot run; the message says why. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  MeterOptions {
    if (command.isEmpty()) {
      throw new UsageException("no command to run: give it after --");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new UsageException("--interval-ms must be >= 1: " + interval.toMillis());
    }
  }

  /**
   * Parses the arguments; the command starts after {@code --} or at the first argument that is not
   * an option.
   *
   * @throws UsageException naming the bad argument
   */
  static MeterOptions parse(String... args) {
    Optional<List<String>> gpus = Optional.empty();
    Duration interval = Duration.ofMillis(100);
    Optional<Path> json = Optional.empty();
    int i = 0;
    while (i < args.length) {
      String arg = args[i];
      if (arg.equals("--")) {
        i++;
        break;
      }
      if (!arg.startsWith("--")) {
        break;
      }
      String name = arg;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else {
        if (i + 1 >= args.length) {
          throw new UsageException(arg + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--gpus" -> gpus = Optional.of(gpuList(value));
        case "--interval-ms" -> interval = Duration.ofMillis(intervalMs(value));
        case "--json" -> json = Optional.of(Path.of(value));
        default -> throw new UsageException("unknown option: " + arg);
      }
      i++;
    }
    return new MeterOptions(
        gpus,
        interval,
        json,
        List.copyOf(Arrays.asList(args).subList(Math.min(i, args.length), args.length)));
  }

  private static List<String> gpuList(String value) {
    List<String> gpus = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      String gpu = entry.strip();
      if (gpu.isEmpty()) {
        throw new UsageException("--gpus has an empty entry: '" + value + "'");
      }
      gpus.add(gpu);
    }
    return List.copyOf(gpus);
  }

  private static long intervalMs(String value) {
    try {
      long ms = Long.parseLong(value.strip());
      if (ms < 1) {
        throw new UsageException("--interval-ms must be >= 1: " + value);
      }
      return ms;
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--interval-ms must be a whole number of milliseconds: '" + value + "'");
    }
  }
}
