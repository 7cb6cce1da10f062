package io.wattsweep.systemtest;

import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.catalog.RunFilter;
import io.wattsweep.coordinator.catalog.RunRow;
import io.wattsweep.coordinator.cli.ServiceProcess;
import io.wattsweep.worker.WorkerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * CPU worker processes whose only workload, {@code command:sleep}, sleeps through its 12 steps (2
 * warm-up, 10 measured): jobs that cost no CPU, so that what is measured is how jobs flow through
 * the broker, the coordinator and the workers. For the job-flow tests and the queue benchmark.
 */
final class SleepingWorkers implements AutoCloseable {
  private static final String READY = "takes jobs from";

  private final TestStack stack;
  private final Path commands;
  private final List<ServiceProcess> started = new ArrayList<>();

  /** Workers whose jobs take about {@code jobSeconds}. */
  SleepingWorkers(TestStack stack, double jobSeconds) throws IOException {
    this.stack = stack;
    Path dir = Files.createTempDirectory(stack.dir, "sleeping");
    Path script =
        Files.writeString(
            dir.resolve("sleep.py"),
            String.format(
                Locale.ROOT,
                """
        import time
        for i in range(12):
            print("WATTSWEEP_STEP batch", flush=True)
            time.sleep(%.4f)
        """,
                jobSeconds / 12));
    commands =
        Files.writeString(
            dir.resolve("commands.yaml"),
            "commands:\n  sleep:\n    argv: [python3, " + script + "]\n");
  }

  /** Starts a CPU worker with id {@code flow-NAME}, its log beside the stack's. */
  ServiceProcess start(String name) throws IOException {
    return start(name, Map.of("WATTSWEEP_GPU_CLASS", "cpu"));
  }

  /**
   * Starts a worker of class {@code gpuClass} that owns {@code gpus} fake GPUs (a fake
   * libnvidia-ml, {@link MonitoredWorker#compileFakeNvml}) and packs its jobs on them.
   */
  ServiceProcess startOnGpus(String name, String gpuClass, int gpus)
      throws IOException, InterruptedException {
    Path nvml = MonitoredWorker.compileFakeNvml(stack.dir.resolve("fake-nvml-" + name));
    String watts = IntStream.range(0, gpus).mapToObj(i -> "100").collect(Collectors.joining(","));
    return start(
        name,
        Map.of(
            "WATTSWEEP_GPU_CLASS",
            gpuClass,
            "WATTSWEEP_WORKER_GPUS",
            Integer.toString(gpus),
            "WATTSWEEP_NVML_LIBRARY",
            nvml.toString(),
            "FAKE_NVML_SPEC",
            "gpus=" + gpus + ";watts=" + watts + ";limit_watts=700;name=NVIDIA H200"));
  }

  private ServiceProcess start(String name, Map<String, String> settings) throws IOException {
    var env = new HashMap<>(stack.kafkaEnv());
    env.putAll(settings);
    env.put("WATTSWEEP_WORKER_ID", "flow-" + name);
    env.put("WATTSWEEP_COMMANDS_FILE", commands.toString());
    env.put("WATTSWEEP_IDLE_BASELINE_MS", "100");
    env.put("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", "200");
    env.put("WATTSWEEP_HEARTBEAT_INTERVAL_MS", "1000");
    env.put("WATTSWEEP_STOP_GRACE_MS", "0");
    env.put("WATTSWEEP_METRICS_PORT", "0");
    var worker =
        ServiceProcess.start(
            Installation.current(),
            Program.WORKER,
            WorkerMain.class.getName(),
            env,
            stack.dir.resolve("flow-" + name + ".log"),
            "256m");
    started.add(worker);
    return worker;
  }

  /**
   * When the worker joined its group and began to poll (epoch ms, from its log's local time), or -1
   * while it has not.
   */
  static long readyAtMs(ServiceProcess worker) throws IOException {
    return loggedAtMs(worker, READY);
  }

  /** How many lines of the worker's log contain {@code text}. */
  static long timesLogged(ServiceProcess worker, String text) throws IOException {
    try (var lines = Files.lines(worker.log())) {
      return lines.filter(line -> line.contains(text)).count();
    }
  }

  /** When the worker first logged a line containing {@code text} (epoch ms), or -1. */
  static long loggedAtMs(ServiceProcess worker, String text) throws IOException {
    for (String line : Files.readAllLines(worker.log())) {
      if (line.contains(text)) {
        return LocalDateTime.parse(line.substring(0, line.indexOf(' ')))
            .atZone(ZoneId.systemDefault())
            .toInstant()
            .toEpochMilli();
      }
    }
    return -1;
  }

  /** Submits a sweep of {@code jobs} sleeping CPU jobs (batch sizes 1..jobs); returns its id. */
  String submit(int jobs) throws IOException, InterruptedException {
    return submit(jobs, "cpu", "1");
  }

  /**
   * Submits sleeping jobs of class {@code gpuClass}: batch sizes 1..jobs times the GPU counts
   * {@code gpus} (YAML list items, e.g. {@code "1, 2"}); returns the sweep's id.
   */
  String submit(int jobs, String gpuClass, String gpus) throws IOException, InterruptedException {
    String batches =
        IntStream.rangeClosed(1, jobs)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(", "));
    var res =
        stack.post(
            "model: command:sleep\ngpuClass: ["
                + gpuClass
                + "]\nprecision: [fp32]\n"
                + "batchSize: ["
                + batches
                + "]\ngpus: ["
                + gpus
                + "]\nwarmupBatches: 2\n",
            "application/yaml");
    if (res.statusCode() != 201) {
      throw new IllegalStateException("sweep refused: " + res.statusCode() + " " + res.body());
    }
    return Json.MAPPER.readTree(res.body()).get("sweepId").asText();
  }

  List<RunRow> runs(String sweepId) {
    return stack.catalog.runs(new RunFilter(sweepId, null, null, null, null, null, null));
  }

  /**
   * Waits until {@code condition} holds, failing with {@code what} and the logs after {@code wait}.
   */
  void await(String what, Duration wait, Condition condition) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not "
                + what
                + " in "
                + wait
                + "; workers' logs: "
                + started.stream().map(w -> w.log().toString()).toList());
      }
      Thread.sleep(50); // other processes' progress: no clock to fake
    }
  }

  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  @Override
  public void close() {
    started.forEach(ServiceProcess::close);
  }
}
