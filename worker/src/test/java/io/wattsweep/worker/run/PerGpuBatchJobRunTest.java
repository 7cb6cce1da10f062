package io.wattsweep.worker.run;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.artifact.DirectoryStore;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.Workloads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3DGAN job whose batch is per GPU, through the job run and the real workload on two towers
 * (logical CPU devices where the host has no GPU): each tower trains the job's batch, as the
 * study's MirroredStrategy did, so a step trains batch x GPUs.
 */
class PerGpuBatchJobRunTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void twoTowersEachTrainTheJobsBatch() {
    var job =
        new JobSpec(
            "s1-pergpu0001",
            "s1",
            "3dgan",
            0.25,
            "cpu",
            Precision.FP32,
            2,
            2,
            0,
            2,
            new FullTraining(1_000, 1),
            null,
            null,
            BatchSemantics.PER_GPU);
    var opened = new AtomicReference<WorkloadSpec>();

    List<RunEvent> events = run(job, opened);

    RunStarted started = assertInstanceOf(RunStarted.class, events.get(0));
    assertInstanceOf(RunCompleted.class, events.get(events.size() - 1), events.toString());
    assertAll(
        () -> assertEquals(4, opened.get().batchSize(), "the global batch the towers split"),
        () -> assertEquals(2, opened.get().devices()),
        () ->
            assertEquals(
                Workloads.describe(BuiltInModel.GAN_3D, 0.25, 4).flopsPerStep(),
                started.flopsPerStep(),
                "a step's FLOPs are those of 2 x 2 samples"));
  }

  /** Runs {@code job} on the real workloads, keeping what it opened; its events but samples. */
  private List<RunEvent> run(JobSpec job, AtomicReference<WorkloadSpec> opened) {
    var meter = new FakeMeter(EnergyMethod.TDP_ESTIMATE, 1.0);
    var clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    AtomicLong nanos = new AtomicLong();
    var sink = new EventSink(new PrintStream(out, true, StandardCharsets.UTF_8));
    new JobRun(
            job,
            job.jobId() + "-r1",
            "worker-1",
            "host-1",
            sink,
            clock,
            () -> nanos.addAndGet(1_000_000))
        .run(
            new JobRun.Parts(
                gpus -> meter,
                spec -> {
                  opened.set(spec);
                  return Workloads.open(spec);
                },
                Duration.ZERO,
                Duration.ofHours(1),
                new DirectoryStore(dir.resolve("artifacts"))));
    List<RunEvent> events = new ArrayList<>();
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
}
