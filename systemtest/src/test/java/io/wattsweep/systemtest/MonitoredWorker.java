package io.wattsweep.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.cli.ServiceProcess;
import io.wattsweep.worker.WorkerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker process of GPU class {@value #GPU_CLASS} for the monitoring tests, shared by the test
 * classes of a run: it reads a fake libnvidia-ml through the real NVML binding (the worker module's
 * worker/src/test/c/fake_nvml.c, configured from the environment by src/test/c/fake_nvml_env.c,
 * compiled here with gcc: {@value #FAKE_GPUS}), so its metrics have every per-GPU series a real GPU
 * node has, while its jobs train on the CPU. Its metrics port is a free one, read back from its
 * log.
 */
final class MonitoredWorker {
  static final String GPU_CLASS = "fakegpu";
  static final String WORKER_ID = "monitored-worker";

  /** Two H200s: GPU 0 (the one a one-GPU job uses) at 100 W, GPU 1 idle at 60 W. */
  static final String FAKE_GPUS = "gpus=2;watts=100,60;limit_watts=700;name=NVIDIA H200";

  private static final Pattern METRICS_PORT =
      Pattern.compile("Metrics at http://[^:]+:(\\d+)/metrics");
  private static MonitoredWorker instance;

  final ServiceProcess process;
  final int metricsPort;

  private MonitoredWorker(ServiceProcess process, int metricsPort) {
    this.process = process;
    this.metricsPort = metricsPort;
  }

  static synchronized MonitoredWorker get() throws Exception {
    if (instance == null) {
      instance = start(TestStack.get());
      Runtime.getRuntime().addShutdownHook(new Thread(instance.process::close));
    }
    return instance;
  }

  private static MonitoredWorker start(TestStack stack) throws Exception {
    Path nvml = compileFakeNvml(stack.dir.resolve("fake-nvml"));
    var env = new HashMap<>(stack.kafkaEnv());
    env.put("WATTSWEEP_GPU_CLASS", GPU_CLASS);
    env.put("WATTSWEEP_WORKER_ID", WORKER_ID);
    env.put("WATTSWEEP_NVML_LIBRARY", nvml.toString());
    env.put("FAKE_NVML_SPEC", FAKE_GPUS);
    env.put("WATTSWEEP_METRICS_PORT", "0");
    env.put("WATTSWEEP_ARTIFACT_STORE", "file:" + stack.dir.resolve("artifacts"));
    env.put("WATTSWEEP_IDLE_BASELINE_MS", "300");
    env.put("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", "200");
    env.put("WATTSWEEP_JOB_HEAP_MB", "1024");
    Path log = stack.dir.resolve("monitored-worker.log");
    ServiceProcess worker =
        ServiceProcess.start(
            Installation.current(), Program.WORKER, WorkerMain.class.getName(), env, log, "256m");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = METRICS_PORT.matcher(Files.readString(log));
        if (m.find()) {
          return new MonitoredWorker(worker, Integer.parseInt(m.group(1)));
        }
      }
      if (!worker.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    worker.close();
    throw new IllegalStateException(
        "the worker did not log its metrics port; its log:\n"
            + (Files.exists(log) ? Files.readString(log) : "(none)"));
  }

  /** Builds the fake libnvidia-ml, configured by FAKE_NVML_SPEC, in {@code dir}. */
  static Path compileFakeNvml(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path fake = TestStack.root().resolve("worker/src/test/c/fake_nvml.c");
    Path fromEnv = TestStack.root().resolve("systemtest/src/test/c/fake_nvml_env.c");
    Path library = dir.resolve("libnvidia-ml.so");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-O1",
                "-o",
                library.toString(),
                fake.toString(),
                fromEnv.toString(),
                "-lm")
            .redirectErrorStream(true)
            .start();
    String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (gcc.waitFor() != 0) {
      throw new IllegalStateException("gcc could not build the fake NVML:\n" + output);
    }
    return library;
  }

  /** Submits a one-class sweep for this worker; returns its id. */
  static String submit(TestStack stack, String yamlBody) throws Exception {
    var res = stack.post(yamlBody, "application/yaml");
    if (res.statusCode() != 201) {
      throw new IllegalStateException("sweep refused: " + res.body());
    }
    return Json.MAPPER.readTree(res.body()).get("sweepId").asText();
  }

  /** Waits until every job of the sweep is finished; returns the sweep's JSON. */
  JsonNode awaitFinished(TestStack stack, String sweepId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode sweep = Json.MAPPER.readTree(stack.get("/api/v1/sweeps/" + sweepId).body());
      if (sweep.path("finished").asBoolean()) {
        return sweep;
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException(
            "sweep "
                + sweepId
                + " not finished: "
                + sweep
                + "\nworker log: "
                + Files.readString(process.log()));
      }
      Thread.sleep(500);
    }
  }
}
