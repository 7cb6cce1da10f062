package io.wattsweep.worker.run;

import static org.junit.jupiter.api.Assertions.assertAll;
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
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.artifact.DirectoryStore;
import io.wattsweep.worker.train.PublishedShowerFile;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 3DGAN job on a sweep's HDF5 showers, through the job run and the real workload. */
class DatasetJobRunTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void aJobTrainsOnShowersInThePublishedLayout() {
    Path file = PublishedShowerFile.write(dir.resolve("EleEscan_1_1.h5"), 3);

    List<RunEvent> events = run(file.toString());

    assertTrue(events.get(events.size() - 1) instanceof RunCompleted, events.toString());
    List<BatchMeasured> batches =
        events.stream()
            .filter(BatchMeasured.class::isInstance)
            .map(BatchMeasured.class::cast)
            .toList();
    assertEquals(2, batches.size());
    assertTrue(
        batches.stream()
            .allMatch(
                b -> Double.isFinite(b.discriminatorLoss()) && Double.isFinite(b.generatorLoss())),
        batches.toString());
  }

  @Test
  void aMissingFileFailsTheJobAsInvalidSpecNamingIt() {
    String missing = dir.resolve("nowhere.h5").toString();

    RunFailed failed = assertInstanceOf(RunFailed.class, run(missing).get(0));

    assertAll(
        () -> assertEquals(FailureReason.INVALID_SPEC, failed.reason()),
        () -> assertTrue(failed.message().contains(missing), failed.message()));
  }

  @Test
  void aWrongShapeFailsTheJobAsInvalidSpecNamingTheFileAndTheDataset() {
    Path file = PublishedShowerFile.write(dir.resolve("small.h5"), 2, 25, 25, 25);

    RunFailed failed = assertInstanceOf(RunFailed.class, run(file.toString()).get(0));

    assertAll(
        () -> assertEquals(FailureReason.INVALID_SPEC, failed.reason()),
        () -> assertTrue(failed.message().contains(file.toString()), failed.message()),
        () -> assertTrue(failed.message().contains("ECAL"), failed.message()));
  }

  /** Runs a full-size 3DGAN job at batch 1 on {@code dataset}; returns its events but samples. */
  private List<RunEvent> run(String dataset) {
    var job =
        new JobSpec(
            "s1-dataset0001",
            "s1",
            "3dgan",
            1,
            "cpu",
            Precision.FP32,
            1,
            1,
            0,
            2,
            new FullTraining(1_000, 1),
            null,
            dataset,
            null);
    var meter = new FakeMeter(EnergyMethod.TDP_ESTIMATE, 1.0);
    var clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    AtomicLong nanos = new AtomicLong();
    var sink = new EventSink(new PrintStream(out, true, StandardCharsets.UTF_8));
    new JobRun(
            job,
            "s1-dataset0001-r1",
            "worker-1",
            "host-1",
            sink,
            clock,
            () -> nanos.addAndGet(1_000_000))
        .run(
            new JobRun.Parts(
                gpus -> meter,
                Workloads::open,
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
