package io.wattsweep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.coordinator.catalog.RunFilter;
import io.wattsweep.coordinator.catalog.RunRow;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.cli.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How jobs flow between worker processes through the real broker: a worker that joins mid-sweep
 * takes a queued job while the first is busy, and a worker stopped with SIGTERM gives its run up,
 * exits 0, and its job runs on another worker, once. Jobs are a command that sleeps through its
 * steps, so that the figures are about the queue, not about training.
 */
class JobFlowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);

  /** 2 warm-up and 10 measured steps of 1 s: about 12 s a job, long enough to join mid-run. */
  private static final String SCRIPT = """
      import time
      for i in range(12):
          print("WATTSWEEP_STEP batch", flush=True)
          time.sleep(1.0)
      """;

  private final List<ServiceProcess> workers = new ArrayList<>();

  @AfterEach
  void stopWorkers() {
    workers.forEach(ServiceProcess::close);
  }

  @Test
  void aWorkerThatJoinsMidRunTakesTheNextJobWhileTheFirstIsBusy() throws Exception {
    String sweepId = submit(2);
    startWorker("first");
    awaitThat("a job running", () -> runs(sweepId).stream()
        .anyMatch(r -> r.state().equals("RUNNING")));
    startWorker("second");

    awaitThat("both jobs running at once", () -> runs(sweepId).stream()
        .filter(r -> r.state().equals("RUNNING")).count() == 2);
    awaitThat("the sweep finished", () -> sweep(sweepId).finished());
    List<RunRow> runs = runs(sweepId);
    assertEquals(Map.of("COMPLETED", 2L), countByState(runs), "runs: " + runs);
    assertEquals(2, runs.stream().map(RunRow::workerId).distinct().count(),
        "one worker ran both jobs: " + runs);
  }

  @Test
  void aWorkerStoppedWithSigtermExitsZeroAndItsJobRunsOnceOnAnother() throws Exception {
    String sweepId = submit(1);
    ServiceProcess stopped = startWorker("stopped");
    awaitThat("the job running", () -> runs(sweepId).stream()
        .anyMatch(r -> r.state().equals("RUNNING")));
    startWorker("spare");

    stopped.close();

    assertEquals(0, stopped.exitCode().orElse(-1), "exit status; see " + stopped.log());
    awaitThat("the sweep finished", () -> sweep(sweepId).finished());
    List<RunRow> runs = runs(sweepId);
    assertEquals(Map.of("ABANDONED", 1L, "COMPLETED", 1L), countByState(runs), "runs: " + runs);
    RunRow aborted = runs.stream().filter(r -> r.state().equals("ABANDONED")).findFirst()
        .orElseThrow();
    assertEquals("aborted", aborted.failureReason());
    SweepView.JobView job = sweep(sweepId).jobs().get(0);
    assertEquals("COMPLETED", job.state());
    assertEquals(1, job.attempts());
  }

  /** A CPU worker (a GPU class would need NVML) that runs the sleeping command. */
  private ServiceProcess startWorker(String name) throws Exception {
    var stack = TestStack.get();
    Path dir = Files.createDirectories(stack.dir.resolve("flow"));
    Files.writeString(dir.resolve("sleep.py"), SCRIPT);
    Path commands = Files.writeString(dir.resolve("commands.yaml"),
        "commands:\n  sleep:\n    argv: [python3, " + dir.resolve("sleep.py") + "]\n");
    var env = new HashMap<>(stack.kafkaEnv());
    env.put("WATTSWEEP_GPU_CLASS", "cpu");
    env.put("WATTSWEEP_WORKER_ID", "flow-" + name);
    env.put("WATTSWEEP_COMMANDS_FILE", commands.toString());
    env.put("WATTSWEEP_IDLE_BASELINE_MS", "100");
    env.put("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", "200");
    env.put("WATTSWEEP_HEARTBEAT_INTERVAL_MS", "1000");
    env.put("WATTSWEEP_STOP_GRACE_MS", "0");
    env.put("WATTSWEEP_METRICS_PORT", "0");
    var worker = ServiceProcess.start(Installation.current(), Program.WORKER,
        "io.wattsweep.worker.WorkerMain", env, stack.dir.resolve("flow-" + name + ".log"),
        "256m");
    workers.add(worker);
    return worker;
  }

  private static String submit(int jobs) throws Exception {
    String batches = java.util.stream.IntStream.rangeClosed(1, jobs).mapToObj(Integer::toString)
        .collect(Collectors.joining(", "));
    var res = TestStack.get().post("model: command:sleep\ngpuClass: [cpu]\n"
        + "precision: [fp32]\nbatchSize: [" + batches + "]\ngpus: [1]\nwarmupBatches: 2\n",
        "application/yaml");
    assertEquals(201, res.statusCode(), res.body());
    return JSON.readTree(res.body()).get("sweepId").asText();
  }

  private static SweepView sweep(String sweepId) throws Exception {
    return TestStack.get().catalog.sweep(sweepId).orElseThrow();
  }

  private static List<RunRow> runs(String sweepId) throws Exception {
    return TestStack.get().catalog.runs(new RunFilter(sweepId, null, null, null, null, null,
        null));
  }

  private static Map<String, Long> countByState(List<RunRow> runs) {
    return runs.stream().collect(Collectors.groupingBy(RunRow::state, Collectors.counting()));
  }

  private void awaitThat(String what, BooleanSupplierWithException condition) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.get()) {
      assertTrue(System.nanoTime() < deadline, "not " + what + " in " + WAIT + "; workers' logs: "
          + workers.stream().map(w -> w.log().toString()).toList());
      Thread.sleep(100); // another process's progress: no clock to fake
    }
  }

  @FunctionalInterface
  private interface BooleanSupplierWithException {
    boolean get() throws Exception;
  }
}
