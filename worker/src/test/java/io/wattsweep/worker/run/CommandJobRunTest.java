package io.wattsweep.worker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.artifact.DirectoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A job's run of a command workload, with the meter faked and the command real. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandJobRunTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /**
   * Marks every step the job needs, or with "--oom" fails at its second as PyTorch does; with
   * "--save" writes a model file where the worker said.
   */
  private static final String SCRIPT =
      """
      import os, sys
      env = os.environ
      if "--save" in sys.argv:
          with open(os.path.join(env["WATTSWEEP_ARTIFACT_DIR"], "model.pt"), "w") as f:
              f.write("trained")
      n = int(env["WATTSWEEP_WARMUP_BATCHES"]) + int(env["WATTSWEEP_MEASURED_BATCHES"])
      for i in range(n):
          print("WATTSWEEP_STEP", flush=True)
          if "--oom" in sys.argv and i == 1:
              print("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
                    file=sys.stderr)
              sys.exit(1)
          if "--few" in sys.argv and i == 4:
              break
      """;

  private List<RunEvent> run(String model) throws Exception {
    Files.writeString(dir.resolve("steps.py"), SCRIPT);
    Path file =
        Files.writeString(
            dir.resolve("commands.yaml"),
            """
        commands:
          steps:
            argv: [python3, steps.py, --save]
            framework: pytorch 2.4
            fullTraining: {datasetSize: 640, epochs: 3}
          plain:
            argv: [python3, steps.py]
          oom:
            argv: [python3, steps.py, --oom]
          few:
            argv: [python3, steps.py, --few]
        """);
    WorkerConfig config = WorkerConfig.fromEnv(Map.of("WATTSWEEP_COMMANDS_FILE", file.toString()));
    var job =
        new JobSpec(
            "s1-abc", "s1", model, 1.0, "cpu", Precision.TF32, 8, 1, 2, 10, null, null, null, null);
    var meter = new FakeMeter(EnergyMethod.RAPL, 1.0);
    new JobRun(
            job,
            "s1-abc-r1",
            "worker-1",
            "host-1",
            new EventSink(new PrintStream(out, true, StandardCharsets.UTF_8)),
            Clock.systemUTC(),
            System::nanoTime)
        .run(
            new JobRun.Parts(
                gpus -> meter,
                new JobWorkloads(config, Map.of())::open,
                Duration.ZERO,
                Duration.ofHours(1),
                new DirectoryStore(dir.resolve("artifacts"))));
    var events = new ArrayList<RunEvent>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      RunEvent e =
          (RunEvent)
              EventCodec.decodeEvent(
                  line.substring(EventSink.MARKER.length()).getBytes(StandardCharsets.UTF_8));
      if (!(e instanceof PowerSample)) {
        events.add(e);
      }
    }
    return events;
  }

  @Test
  void aCommandRunMeasuresTheStepsAfterItsWarmUpAndCompletes() throws Exception {
    List<RunEvent> events = run("command:steps");

    assertEquals(1 + 10 + 1, events.size(), events.toString());
    RunStarted started = assertInstanceOf(RunStarted.class, events.get(0));
    assertEquals("pytorch 2.4 (command workload steps)", started.framework());
    assertEquals(Precision.TF32, started.precisionRan());
    assertTrue(started.precisionNote().startsWith("not verified"), started.precisionNote());
    assertEquals(new FullTraining(640, 3), started.workerFullTraining());
    for (int i = 0; i < 10; i++) {
      BatchMeasured b = assertInstanceOf(BatchMeasured.class, events.get(1 + i));
      assertEquals(i, b.batchIndex());
      // The fake meter gains 1 J per read, and each batch's window is one read long.
      assertEquals(1.0, b.energyJoules(), 1e-9);
    }
    RunCompleted done = assertInstanceOf(RunCompleted.class, events.get(11));
    assertEquals(10, done.measuredBatches());
    assertEquals(10.0, done.spanEnergyJoules(), 1e-9);
    // What the command saved is the run's artifact, packed like a generator's checkpoint.
    Path zip = Path.of(java.net.URI.create(done.artifact().uri()));
    try (var z = new java.util.zip.ZipFile(zip.toFile())) {
      assertEquals(
          "trained",
          new String(
              z.getInputStream(z.getEntry("model.pt")).readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(Files.size(zip), done.artifact().bytes());
  }

  @Test
  void anUnknownCommandFailsTheRunAsInvalidSpec() throws Exception {
    List<RunEvent> events = run("command:resnet50");

    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.INVALID_SPEC, failed.reason());
    assertTrue(
        failed
            .message()
            .startsWith("command workload 'resnet50' is not configured on this" + " worker"),
        failed.message());
  }

  @Test
  void aCommandThatRunsOutOfMemoryFailsTheRunAsOutOfMemory() throws Exception {
    List<RunEvent> events = run("command:oom");

    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.OUT_OF_MEMORY, failed.reason());
    assertTrue(
        failed
            .message()
            .endsWith(
                "its last output: torch.OutOfMemoryError: CUDA out of"
                    + " memory. Tried to allocate 2.00 GiB"),
        failed.message());
  }

  @Test
  void aCommandThatMarksTooFewStepsFailsTheRunWithoutCompleting() throws Exception {
    List<RunEvent> events = run("command:few");

    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.COMMAND_FAILED, failed.reason());
    assertTrue(
        failed
            .message()
            .startsWith(
                "command workload 'few' exited with status 0 having" + " ended 5 of the 12 steps"),
        failed.message());
    assertTrue(events.stream().noneMatch(e -> e instanceof RunCompleted), events.toString());
  }

  @Test
  void aCommandThatSavesNothingCompletesWithoutAnArtifact() throws Exception {
    List<RunEvent> events = run("command:plain");

    RunCompleted done = assertInstanceOf(RunCompleted.class, events.get(events.size() - 1));
    assertEquals(null, done.artifact());
  }
}
