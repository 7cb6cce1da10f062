package io.wattsweep.worker.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.train.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandWorkloadTest {
  @TempDir Path dir;

  private static WorkloadSpec spec(String name, int warmup, int measured, Precision precision) {
    return spec(
        new JobSpec(
            "s1-abc",
            "s1",
            "command:" + name,
            1.0,
            "cpu",
            precision,
            8,
            1,
            warmup,
            measured,
            null,
            null,
            null,
            null));
  }

  private static WorkloadSpec spec(JobSpec job) {
    return WorkloadSpec.of(job, 1);
  }

  /** A worker config whose commands file runs {@code script} with python3 as workload "w". */
  private WorkerConfig config(String script) throws Exception {
    Files.writeString(dir.resolve("w.py"), script);
    Path file =
        Files.writeString(
            dir.resolve("commands.yaml"),
            "commands:\n  w:\n    argv: [python3, w.py]\n"
                + "    fullTraining: {datasetSize: 100, epochs: 2}\n");
    return WorkerConfig.fromEnv(Map.of("WATTSWEEP_COMMANDS_FILE", file.toString()));
  }

  @Test
  void eachStepEndsAtTheNextMarkerAndTheRunEndsAtACleanExit() throws Exception {
    var config =
        config(
            """
        import time
        print("loading", flush=True)
        time.sleep(0.3)
        for i in range(5):
            print("WATTSWEEP_STEP batch", flush=True)
            time.sleep(0.1)
        print("WATTSWEEP_STEP_END", flush=True)
        """);

    try (var w = CommandWorkload.open(spec("w", 2, 3, Precision.BF16), config, Map.of())) {
      long t0 = System.nanoTime();
      w.step();
      // The first step starts after 0.3 s of loading and ends 0.1 s later, at the next marker.
      assertTrue(System.nanoTime() - t0 >= 390_000_000L, "returned before the step's end");
      w.step();
      w.awaitStepStart();
      for (int i = 0; i < 3; i++) {
        long s = System.nanoTime();
        w.step();
        assertTrue(System.nanoTime() - s >= 90_000_000L, "step " + i + " ended early");
      }
      w.finish();
      assertEquals(Precision.BF16, w.precisionRan());
      assertTrue(
          w.precisionNote().startsWith("not verified: the command was asked for bf16"),
          w.precisionNote());
      assertEquals(new FullTraining(100, 2), w.fullTraining().orElseThrow());
      assertEquals(0, w.info().generatorParameters());
    }
  }

  @Test
  void whatTheCommandWritesToItsArtifactDirIsItsArtifactAndIsRemovedAtClose() throws Exception {
    var config =
        config(
            """
        import os
        out = os.environ["WATTSWEEP_ARTIFACT_DIR"]
        os.makedirs(os.path.join(out, "variables"))
        with open(os.path.join(out, "saved_model.pb"), "w") as f:
            f.write("graph")
        with open(os.path.join(out, "variables", "v.data"), "w") as f:
            f.write("weights")
        print("WATTSWEEP_STEP", flush=True)
        """);
    Path saved = Files.createDirectory(dir.resolve("saved"));
    Path artifactDir;
    try (var w = CommandWorkload.open(spec("w", 0, 1, Precision.FP32), config, Map.of())) {
      w.step();
      w.finish();
      assertTrue(w.saveGenerator(saved));
      artifactDir = w.artifactDir();
    }
    assertEquals("graph", Files.readString(saved.resolve("saved_model.pb")));
    assertEquals("weights", Files.readString(saved.resolve("variables/v.data")));
    assertFalse(Files.exists(artifactDir), "the command's artifact folder outlived the run");
  }

  @Test
  void aCommandThatWritesNoArtifactLeavesNone() throws Exception {
    var config =
        config(
            """
        print("WATTSWEEP_STEP", flush=True)
        """);
    Path saved = Files.createDirectory(dir.resolve("saved"));
    try (var w = CommandWorkload.open(spec("w", 0, 1, Precision.FP32), config, Map.of())) {
      w.step();
      w.finish();
      assertFalse(w.saveGenerator(saved));
    }
  }

  @Test
  void tooFewMarkersFailTheRunSayingHowManyItNeeds() throws Exception {
    var config =
        config(
            """
        for i in range(3):
            print("WATTSWEEP_STEP", flush=True)
        """);

    try (var w = CommandWorkload.open(spec("w", 2, 10, Precision.FP32), config, Map.of())) {
      w.step();
      w.step();
      w.awaitStepStart();
      var e = assertThrows(CommandFailedException.class, w::step);

      assertEquals(
          "command workload 'w' exited with status 0 having ended 3 of the 12 steps"
              + " the job needs (2 warm-up + 10 measured, as WATTSWEEP_WARMUP_BATCHES and"
              + " WATTSWEEP_MEASURED_BATCHES say): it must print a 'WATTSWEEP_STEP' line as each"
              + " batch begins",
          e.getMessage());
    }
  }

  @Test
  void anErrorExitFailsWithTheStatusAndTheLastLinesOfStandardError() throws Exception {
    var config =
        config(
            """
        import sys
        print("WATTSWEEP_STEP", flush=True)
        print("RuntimeError: CUDA error: an illegal memory access", file=sys.stderr)
        sys.exit(7)
        """);

    try (var w = CommandWorkload.open(spec("w", 1, 1, Precision.FP32), config, Map.of())) {
      var e = assertThrows(CommandFailedException.class, w::step);

      assertEquals(
          "command workload 'w' exited with status 7 after 1 of the 2 steps the job"
              + " needs; its last output: RuntimeError: CUDA error: an illegal memory access",
          e.getMessage());
    }
  }

  @Test
  void anErrorExitAfterTheLastStepFailsTheRun() throws Exception {
    var config =
        config(
            """
        import sys
        print("WATTSWEEP_STEP", flush=True)
        print("WATTSWEEP_STEP", flush=True)
        print("WATTSWEEP_STEP_END", flush=True)
        sys.exit(2)
        """);

    try (var w = CommandWorkload.open(spec("w", 1, 1, Precision.FP32), config, Map.of())) {
      w.step();
      w.awaitStepStart();
      w.step();
      var e = assertThrows(CommandFailedException.class, w::finish);

      assertTrue(
          e.getMessage()
              .startsWith("command workload 'w' exited with status 2 after 2 of" + " the 2 steps"),
          e.getMessage());
    }
  }

  @Test
  void aNameTheWorkerDoesNotHaveIsAnInvalidSpecListingItsNames() throws Exception {
    var config = config("print('never run')");

    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CommandWorkload.open(spec("resnet50", 2, 10, Precision.FP32), config, Map.of()));

    assertEquals(
        "command workload 'resnet50' is not configured on this worker: its commands"
            + " file "
            + dir.resolve("commands.yaml").toAbsolutePath()
            + " names w",
        e.getMessage());
  }

  @Test
  void closeStopsACommandThatDoesNotExit() throws Exception {
    var config =
        config(
            """
        import time
        print("WATTSWEEP_STEP", flush=True)
        time.sleep(600)
        """);
    var w = CommandWorkload.open(spec("w", 1, 1, Precision.FP32), config, Map.of());
    w.awaitStepStart();
    long pid =
        ProcessHandle.current()
            .descendants()
            .filter(p -> p.info().commandLine().map(c -> c.contains("w.py")).orElse(false))
            .findFirst()
            .orElseThrow()
            .pid();

    w.close();

    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void theEnvironmentDescribesTheJobAndItsGpus() {
    var gpuJob =
        new JobSpec(
            "s1-abc",
            "s1",
            "command:w",
            1.0,
            "a100",
            Precision.FP32,
            64,
            2,
            3,
            10,
            null,
            null,
            null,
            null);
    var gpuWorker = WorkerConfig.fromEnv(Map.of("WATTSWEEP_GPU_CLASS", "a100"));

    Map<String, String> env =
        CommandWorkload.jobEnv(spec(gpuJob), gpuWorker, Map.of("CUDA_VISIBLE_DEVICES", "3, 5,7"));
    Map<String, String> allGpus = CommandWorkload.jobEnv(spec(gpuJob), gpuWorker, Map.of());
    Map<String, String> cpu =
        CommandWorkload.jobEnv(
            spec("w", 2, 10, Precision.BF16),
            WorkerConfig.fromEnv(Map.of()),
            Map.of("CUDA_VISIBLE_DEVICES", "0"));

    assertEquals(
        Map.of(
            "WATTSWEEP_JOB_ID",
            "s1-abc",
            "WATTSWEEP_WORKLOAD",
            "w",
            "WATTSWEEP_BATCH_SIZE",
            "64",
            "WATTSWEEP_PRECISION",
            "fp32",
            "WATTSWEEP_GPUS",
            "2",
            "WATTSWEEP_WARMUP_BATCHES",
            "3",
            "WATTSWEEP_MEASURED_BATCHES",
            "10",
            "CUDA_VISIBLE_DEVICES",
            "3,5",
            "NVIDIA_TF32_OVERRIDE",
            "0"),
        env);
    assertEquals("0,1", allGpus.get("CUDA_VISIBLE_DEVICES"));
    assertEquals("", cpu.get("CUDA_VISIBLE_DEVICES"), "a CPU worker meters no GPU");
    assertFalse(cpu.containsKey("NVIDIA_TF32_OVERRIDE"), "only fp32 turns TF32 off");
  }

  @Test
  void aPerGpuBatchReachesTheCommandAsItsGlobalBatch() {
    var perGpu =
        new JobSpec(
            "s1-abc",
            "s1",
            "command:w",
            1.0,
            "a100",
            Precision.FP32,
            32,
            2,
            3,
            10,
            null,
            null,
            null,
            BatchSemantics.PER_GPU);

    Map<String, String> env =
        CommandWorkload.jobEnv(
            spec(perGpu), WorkerConfig.fromEnv(Map.of("WATTSWEEP_GPU_CLASS", "a100")), Map.of());

    assertEquals("64", env.get("WATTSWEEP_BATCH_SIZE"));
  }
}
