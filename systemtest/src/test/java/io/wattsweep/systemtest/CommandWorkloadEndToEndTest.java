package io.wattsweep.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.catalog.BatchView;
import io.wattsweep.coordinator.catalog.ModelVersion;
import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.cli.ServiceProcess;
import io.wattsweep.worker.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Command workloads end to end: sweeps that name a command of the worker's commands file go through
 * the real broker to a worker process, which runs a Python script printing step markers under the
 * meter; the catalog holds what a user would see.
 */
class CommandWorkloadEndToEndTest {
  /** Checks the job's environment (a wrong one exits 3), then marks one step per batch. */
  private static final String SCRIPT =
      """
      import os, sys, time
      env = os.environ
      if "--crash" in sys.argv:
          print("WATTSWEEP_STEP batch", flush=True)
          print("boom: the training script crashed", file=sys.stderr, flush=True)
          sys.exit(3)
      expected = {"WATTSWEEP_BATCH_SIZE": "4", "WATTSWEEP_PRECISION": "fp32",
                  "WATTSWEEP_GPUS": "1", "WATTSWEEP_WARMUP_BATCHES": "2",
                  "WATTSWEEP_MEASURED_BATCHES": "10", "NVIDIA_TF32_OVERRIDE": "0",
                  "CUDA_VISIBLE_DEVICES": "", "EXTRA_SETTING": "from-the-commands-file"}
      wrong = {k: env.get(k) for k, v in expected.items() if env.get(k) != v}
      if wrong:
          print("wrong environment:", wrong, file=sys.stderr, flush=True)
          sys.exit(3)
      steps = int(env["WATTSWEEP_WARMUP_BATCHES"]) + int(env["WATTSWEEP_MEASURED_BATCHES"])
      for i in range(steps):
          print("WATTSWEEP_STEP batch", flush=True)
          t = time.time()
          while time.time() - t < 0.05:
              pass
      print("trained", steps, "batches")
      """;

  private static final String COMMANDS =
      """
      commands:
        steps:
          argv: [python3, steps.py]
          env: {EXTRA_SETTING: from-the-commands-file}
          framework: python test script
          fullTraining: {datasetSize: 1000, epochs: 2}
        steps-no-training:
          argv: [python3, steps.py]
          env: {EXTRA_SETTING: from-the-commands-file}
        crash:
          argv: [python3, steps.py, --crash]
      """;

  private static ServiceProcess worker;
  private static Map<String, SweepView> sweeps;

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  /** Submits one sweep per case and waits until all are finished. */
  private static synchronized Map<String, SweepView> finishedSweeps() throws Exception {
    if (sweeps != null) {
      return sweeps;
    }
    var stack = TestStack.get();
    Path dir = Files.createDirectories(stack.dir.resolve("commands"));
    Files.writeString(dir.resolve("steps.py"), SCRIPT);
    Path commands = Files.writeString(dir.resolve("commands.yaml"), COMMANDS);
    var env = new HashMap<>(stack.kafkaEnv());
    env.put("WATTSWEEP_GPU_CLASS", "cpu");
    env.put("WATTSWEEP_COMMANDS_FILE", commands.toString());
    env.put("WATTSWEEP_IDLE_BASELINE_MS", "300");
    env.put("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", "200");
    env.put("WATTSWEEP_JOB_HEAP_MB", "256");
    env.put("WATTSWEEP_METRICS_PORT", "0");
    worker =
        ServiceProcess.start(
            Installation.current(),
            Program.WORKER,
            WorkerMain.class.getName(),
            env,
            stack.dir.resolve("command-worker.log"),
            "256m");
    var bodies = new LinkedHashMap<String, String>();
    bodies.put("worker-training", sweep("command:steps", ""));
    bodies.put(
        "sweep-training",
        sweep("command:steps-no-training", "fullTraining: {datasetSize: 100, epochs: 3}\n"));
    bodies.put("no-training", sweep("command:steps-no-training", ""));
    bodies.put("unknown", sweep("command:not-configured", ""));
    bodies.put("crash", sweep("command:crash", ""));
    var ids = new LinkedHashMap<String, String>();
    for (var b : bodies.entrySet()) {
      var res = stack.post(b.getValue(), "application/yaml");
      assertEquals(201, res.statusCode(), res.body());
      ids.put(b.getKey(), Json.MAPPER.readTree(res.body()).get("sweepId").asText());
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    var done = new LinkedHashMap<String, SweepView>();
    while (done.size() < ids.size()) {
      for (var id : ids.entrySet()) {
        SweepView view = stack.catalog.sweep(id.getValue()).orElseThrow();
        if (view.finished()) {
          done.put(id.getKey(), view);
        }
      }
      assertTrue(
          System.nanoTime() < deadline,
          "sweeps not finished in 4 minutes: "
              + done.keySet()
              + " of "
              + ids.keySet()
              + "; worker log: "
              + worker.log());
      assertTrue(worker.isAlive(), "worker died; see " + worker.log());
      Thread.sleep(300);
    }
    sweeps = done;
    return sweeps;
  }

  private static String sweep(String model, String extra) {
    return "model: "
        + model
        + "\ngpuClass: [cpu]\nprecision: [fp32]\nbatchSize: [4]\n"
        + "gpus: [1]\nwarmupBatches: 2\n"
        + extra;
  }

  private static SweepView.JobView onlyJob(String sweep) throws Exception {
    List<SweepView.JobView> jobs = finishedSweeps().get(sweep).jobs();
    assertEquals(1, jobs.size());
    return jobs.get(0);
  }

  @Test
  void commandWorkloadCompletesWithTenMeasuredBatchesFromItsStepMarkers() throws Exception {
    SweepView.JobView job = onlyJob("worker-training");

    assertEquals("COMPLETED", job.state(), "job " + job + "; worker log: " + worker.log());
    assertEquals("command:steps", job.model());
    SweepView.RunView run = job.run();
    assertEquals(10, run.measuredBatches());
    List<BatchView> batches = TestStack.get().catalog.batches(run.runId());
    assertEquals(10, batches.size());
    double sum = batches.stream().mapToDouble(BatchView::energyJoules).sum();
    assertEquals(
        run.energyPerBatchJoules() * 10,
        sum,
        1e-6 * sum,
        "the batch windows tile the measured span");
    // Each step spins for 50 ms between its markers; the windows tile the measured span, so
    // their edges may shift from one window to the next, but the span holds the ten steps.
    long spanNanos = batches.stream().mapToLong(BatchView::durationNanos).sum();
    assertTrue(spanNanos >= 10 * 45_000_000L, "span " + spanNanos + " ns: " + batches);
    assertTrue(run.energyPerBatchJoules() > 0, run.toString());
    assertEquals("tdp-estimate", run.energyMethod());
    assertEquals("fp32", run.precisionRan());
    assertTrue(run.precisionNote().startsWith("not verified"), run.precisionNote());
    assertNull(run.generatorParameters(), "a command's size is unknown, not 0");
    // No training in the sweep: the worker's commands file defines 1000 samples x 2 epochs.
    assertEquals(250 * 2, run.fullTraining().batches());
    assertTrue(run.fullTrainingNote().contains("worker's commands file"), run.fullTrainingNote());
    List<ModelVersion> versions = TestStack.get().catalog.modelVersions("command:steps");
    assertEquals(run.runId(), versions.get(0).runId());
    // A command works from its start: no idle with the job built, so net subtracts the no-job
    // idle, and the run and the API say so.
    RunProtocol p = run.protocol();
    assertNull(p.readyIdlePowerWatts());
    assertEquals("no-job", p.netIdleBaseline());
    assertEquals(2, p.warmupBatches());
    assertEquals(false, p.powerSettled(), "2 warm-up batches are too few to tell");
    JsonNode api =
        Json.MAPPER
            .readTree(TestStack.get().get("/api/v1/runs/" + run.runId()).body())
            .get("run")
            .get("protocol");
    assertEquals("no-job", api.get("netIdleBaseline").asText(), api.toString());
    assertEquals(2, api.get("warmupBatches").asInt(), api.toString());
    assertEquals(false, api.get("powerSettled").asBoolean(true), api.toString());
  }

  @Test
  void sweepsFullTrainingIsUsedAndANoneGivesNoExtrapolationWithTheReason() throws Exception {
    SweepView.RunView fromSweep = onlyJob("sweep-training").run();
    SweepView.RunView none = onlyJob("no-training").run();

    assertEquals("COMPLETED", fromSweep.state());
    assertEquals(25 * 3, fromSweep.fullTraining().batches());
    assertNull(fromSweep.fullTrainingNote());
    assertEquals("COMPLETED", none.state());
    assertNull(none.fullTraining());
    assertTrue(
        none.fullTrainingNote()
            .startsWith(
                "no full-training extrapolation: command"
                    + " workload 'steps-no-training' has no built-in full training"),
        none.fullTrainingNote());
  }

  @Test
  void unknownCommandFailsAsInvalidSpecListingTheWorkersCommands() throws Exception {
    SweepView.JobView job = onlyJob("unknown");

    assertEquals("FAILED", job.state());
    assertEquals("invalid-spec", job.run().failureReason());
    assertTrue(
        job.run()
            .failureMessage()
            .contains(
                "command workload 'not-configured' is not"
                    + " configured on this worker: its commands file "),
        job.run().failureMessage());
    assertTrue(
        job.run().failureMessage().endsWith("names crash, steps, steps-no-training"),
        job.run().failureMessage());
  }

  @Test
  void crashingCommandFailsWithItsStatusAndLastOutput() throws Exception {
    SweepView.JobView job = onlyJob("crash");

    assertEquals("FAILED", job.state());
    assertEquals("command-failed", job.run().failureReason());
    assertTrue(
        job.run()
            .failureMessage()
            .startsWith("command workload 'crash' exited with" + " status 3 after "),
        job.run().failureMessage());
    assertTrue(
        job.run().failureMessage().contains("boom: the training script crashed"),
        job.run().failureMessage());
  }

  @Test
  void workerRefusesToStartWithABrokenCommandsFile() throws Exception {
    var stack = TestStack.get();
    Path file =
        Files.writeString(
            stack.dir.resolve("broken-commands.yaml"),
            "commands:\n  train:\n    argv: \"python3 train.py\"\n");
    var env = new HashMap<>(stack.kafkaEnv());
    env.put("WATTSWEEP_COMMANDS_FILE", file.toString());
    env.put("WATTSWEEP_METRICS_PORT", "0");
    Path log = stack.dir.resolve("broken-worker.log");
    try (var broken =
        ServiceProcess.start(
            Installation.current(), Program.WORKER, WorkerMain.class.getName(), env, log, "128m")) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (broken.isAlive()) {
        assertTrue(System.nanoTime() < deadline, "a worker with a broken commands file runs");
        Thread.sleep(200);
      }
    }
    String text = Files.readString(log);
    assertTrue(
        text.contains(
            "Worker did not start: commands file "
                + file.toAbsolutePath()
                + ": commands.train.argv must be a non-empty list of strings, the program first (no"
                + " shell): \"python3 train.py\""),
        text);
  }
}
