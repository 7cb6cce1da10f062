package io.wattsweep.worker.run;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.Artifact;
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
import io.wattsweep.worker.artifact.ArtifactStore;
import io.wattsweep.worker.artifact.DirectoryStore;
import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JobRunTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** One sample at the start, then none: keeps the stream short and the test fast. */
  private static final Duration NO_MORE_SAMPLES = Duration.ofHours(1);

  private static final long MS = 1_000_000L;

  private static final JobSpec JOB =
      new JobSpec(
          "s1-0123456789",
          "s1",
          "3dgan",
          0.25,
          "cpu",
          Precision.TF32,
          16,
          2,
          2,
          3,
          new FullTraining(1_000, 1));

  /**
   * Energy read at: idle start, idle end (+0.05 J over 1 ms = 50 W), span start, then the end of
   * each of the 3 measured batches.
   */
  private static final double[] ENERGY_STEPS = {1_000.0, 0.05, 7.0, 10.0, 20.0, 30.5};

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final EventSink sink = new EventSink(new PrintStream(out, true, StandardCharsets.UTF_8));

  /** Advances 1 ms at every read. */
  private final AtomicLong nanos = new AtomicLong(5_000 * MS);

  private JobRun run() {
    return new JobRun(
        JOB, "s1-0123456789-r1", "worker-1", "host-1", sink, CLOCK, () -> nanos.addAndGet(MS));
  }

  @TempDir Path artifacts;

  private JobRun.Parts parts(
      IntFunction<PowerMeter> meters, Function<WorkloadSpec, Workload> workloads) {
    return parts(meters, workloads, new DirectoryStore(artifacts));
  }

  private static JobRun.Parts parts(
      IntFunction<PowerMeter> meters, Function<WorkloadSpec, Workload> workloads,
      ArtifactStore store) {
    return new JobRun.Parts(meters, workloads, Duration.ZERO, NO_MORE_SAMPLES, store);
  }

  /** The events written so far, decoded, in output order. */
  private List<RunEvent> events() {
    List<RunEvent> events = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      assertTrue(line.startsWith(EventSink.MARKER), "unmarked line: " + line);
      events.add(
          (RunEvent)
              EventCodec.decodeEvent(
                  line.substring(EventSink.MARKER.length()).getBytes(StandardCharsets.UTF_8)));
    }
    return events;
  }

  private List<RunEvent> withoutSamples() {
    return events().stream().filter(e -> !(e instanceof PowerSample)).toList();
  }

  @ParameterizedTest
  @EnumSource(
      value = EnergyMethod.class,
      names = {"NVML_ENERGY_COUNTER", "TDP_ESTIMATE"})
  void aRunWritesStartedThenOneEventPerMeasuredBatchThenCompleted(EnergyMethod method) {
    var meter = new FakeMeter(method, ENERGY_STEPS);
    var workload = new FakeWorkload();

    run().run(parts(gpus -> meter, spec -> workload));

    List<RunEvent> events = withoutSamples();
    assertEquals(1 + 3 + 1, events.size(), events.toString());
    RunStarted started = assertInstanceOf(RunStarted.class, events.get(0));
    RunCompleted completed = assertInstanceOf(RunCompleted.class, events.get(4));
    List<Integer> indexes =
        events.subList(1, 4).stream().map(e -> ((BatchMeasured) e).batchIndex()).toList();
    assertAll(
        () -> assertEquals(List.of(0, 1, 2), indexes),
        () -> assertEquals(method, started.energyMethod()),
        () -> assertEquals(method, completed.energyMethod()),
        () -> assertEquals(3, completed.measuredBatches()),
        () -> assertEquals(meter.devices(), started.devices()),
        () -> assertEquals(Precision.TF32, started.precisionRequested()),
        () -> assertEquals(Precision.FP32, started.precisionRan()),
        () -> assertEquals("no tensor cores on a CPU", started.precisionNote()),
        () -> assertEquals(1_000L, started.generatorParameters()),
        () -> assertEquals(2_000L, started.discriminatorParameters()),
        () -> assertEquals(3_000L, started.flopsPerStep()),
        () -> assertEquals("worker-1", started.workerId()),
        () -> assertEquals(JobRun.FRAMEWORK, started.framework()));
    for (RunEvent e : events()) {
      assertEquals(JOB.jobId(), e.jobId());
      assertEquals("s1-0123456789-r1", e.runId());
      assertEquals(NOW.toEpochMilli(), e.atMs());
    }
  }

  @Test
  void aCompletedRunCarriesItsGeneratorStoredByModelSweepJobAndRun() throws Exception {
    var workload = new FakeWorkload();

    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> workload));

    RunCompleted completed = (RunCompleted) withoutSamples().get(4);
    Artifact artifact = completed.artifact();
    Path file = Path.of(URI.create(artifact.uri()));
    assertAll(
        () ->
            assertEquals(
                artifacts.resolve("3dgan/s1/s1-0123456789/s1-0123456789-r1/generator.zip"), file),
        () -> assertEquals(Files.size(file), artifact.bytes()),
        () ->
            assertEquals(
                HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                artifact.sha256()),
        // The generator as it was after all 5 steps (2 warm-up, 3 measured).
        () -> assertEquals(Map.of("generator.index", "steps 5"), unzip(file)));
  }

  /** Saving (a minute here) happens after the span's last meter read: it costs no energy. */
  @Test
  void savingTheGeneratorIsOutsideTheMeasuredSpan() {
    var workload = new FakeWorkload();
    workload.onSave = () -> nanos.addAndGet(60_000 * MS);

    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> workload));

    List<RunEvent> events = withoutSamples();
    RunCompleted completed = assertInstanceOf(RunCompleted.class, events.get(4));
    long batches =
        events.subList(1, 4).stream().mapToLong(e -> ((BatchMeasured) e).durationNanos()).sum();
    assertEquals(batches, completed.spanDurationNanos());
    assertEquals(60.5, completed.spanEnergyJoules(), 1e-9);
  }

  @Test
  void aGeneratorTheStoreRefusesFailsTheRunNamingWhy() {
    var workload = new FakeWorkload();
    ArtifactStore refusing =
        (key, file, sha256) -> {
          throw new IOException("S3 PUT of " + key.path() + " answered 403: AccessDenied");
        };

    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> workload,
                refusing));

    List<RunEvent> events = withoutSamples();
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertAll(
        () -> assertEquals(FailureReason.INTERNAL, failed.reason()),
        () -> assertTrue(failed.message().contains("answered 403: AccessDenied"), failed.message()),
        () -> assertTrue(events.stream().noneMatch(e -> e instanceof RunCompleted)),
        () -> assertTrue(workload.closed, "workload not closed"));
  }

  private static Map<String, String> unzip(Path zip) throws IOException {
    var out = new java.util.TreeMap<String, String>();
    try (var in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Test
  void sequenceNumbersRunFromZeroWithoutGaps() {
    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> new FakeWorkload()));

    List<Long> seqs = events().stream().map(RunEvent::seq).toList();

    assertEquals(java.util.stream.LongStream.range(0, seqs.size()).boxed().toList(), seqs);
  }

  @Test
  void theBatchesEnergiesSumToTheSpansEnergy() {
    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> new FakeWorkload()));

    List<RunEvent> events = withoutSamples();
    List<Double> perBatch =
        events.subList(1, 4).stream().map(e -> ((BatchMeasured) e).energyJoules()).toList();
    RunCompleted completed = (RunCompleted) events.get(4);

    assertEquals(List.of(10.0, 20.0, 30.5), perBatch);
    assertEquals(60.5, completed.spanEnergyJoules(), 1e-9);
    assertEquals(
        perBatch.stream().mapToDouble(Double::doubleValue).sum(),
        completed.spanEnergyJoules(),
        1e-9);
  }

  @Test
  void eachBatchIsTimedBetweenItsEdgesAndTheSpanCoversThemAll() {
    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> new FakeWorkload()));

    List<RunEvent> events = withoutSamples();
    List<Long> durations =
        events.subList(1, 4).stream().map(e -> ((BatchMeasured) e).durationNanos()).toList();

    assertEquals(List.of(MS, MS, MS), durations);
    assertEquals(3 * MS, ((RunCompleted) events.get(4)).spanDurationNanos());
  }

  @Test
  void batchesCarryTheWorkloadsLossesAndTheMetersResolution() {
    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> new FakeWorkload()));

    List<BatchMeasured> batches =
        withoutSamples().stream()
            .filter(BatchMeasured.class::isInstance)
            .map(BatchMeasured.class::cast)
            .toList();

    // Steps 1 and 2 are the warm-up; the measured ones are steps 3, 4 and 5.
    assertEquals(
        List.of(3.0, 4.0, 5.0), batches.stream().map(BatchMeasured::discriminatorLoss).toList());
    assertEquals(
        List.of(-3.0, -4.0, -5.0), batches.stream().map(BatchMeasured::generatorLoss).toList());
    assertTrue(batches.stream().allMatch(b -> b.energyResolutionJoules() == 0.001));
  }

  @Test
  void idlePowerIsTheEnergyOfTheBaselineOverItsDuration() {
    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> new FakeWorkload()));

    List<RunEvent> events = withoutSamples();

    // 0.05 J between two reads 1 ms apart.
    assertEquals(50.0, ((RunStarted) events.get(0)).idlePowerWatts(), 1e-6);
    assertEquals(50.0, ((RunCompleted) events.get(4)).idlePowerWatts(), 1e-6);
  }

  @Test
  void warmUpStepsAreRunButNotMeasured() {
    var workload = new FakeWorkload();

    run()
        .run(
            parts(
                gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                spec -> workload));

    assertEquals(JOB.warmupBatches() + JOB.measuredBatches(), workload.steps.get());
    assertEquals(
        JOB.measuredBatches(),
        withoutSamples().stream().filter(BatchMeasured.class::isInstance).count());
  }

  @Test
  void theWorkloadIsBuiltFromTheJobAndTheMeterCoversItsGpus() {
    var asked = new AtomicReference<WorkloadSpec>();
    var gpusAsked = new AtomicInteger();

    run()
        .run(
            parts(
                gpus -> {
                  gpusAsked.set(gpus);
                  return new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS);
                },
                spec -> {
                  asked.set(spec);
                  return new FakeWorkload();
                }));

    WorkloadSpec spec = asked.get();
    assertEquals(2, gpusAsked.get());
    assertEquals(new WorkloadSpec("3dgan", 0.25, Precision.TF32, 16, 2, spec.seed()), spec);
  }

  @Test
  void theSameJobAlwaysTrainsFromTheSameSeed() {
    var seeds = new ArrayList<Long>();
    for (int i = 0; i < 2; i++) {
      run()
          .run(
              parts(
                  gpus -> new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS),
                  spec -> {
                    seeds.add(spec.seed());
                    return new FakeWorkload();
                  }));
    }

    assertEquals(seeds.get(0), seeds.get(1));
  }

  @Test
  void aStepOutOfMemoryEndsTheRunWithOutOfMemory() {
    var meter = new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS);
    // Fails at the first measured step, after the two warm-up steps.
    var workload = new FakeWorkload(3, () -> new OutOfMemoryError("Java heap space"));

    run().run(parts(gpus -> meter, spec -> workload));

    List<RunEvent> events = withoutSamples();
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertAll(
        () -> assertInstanceOf(RunStarted.class, events.get(0)),
        () -> assertEquals(2, events.size(), events.toString()),
        () -> assertEquals(FailureReason.OUT_OF_MEMORY, failed.reason()),
        () -> assertTrue(failed.message().contains("Java heap space"), failed.message()),
        () -> assertTrue(workload.closed, "workload not closed"),
        () -> assertTrue(meter.closed, "meter not closed"));
  }

  @Test
  void tensorFlowsOutOfMemoryMessageAlsoCountsAsOutOfMemory() {
    var meter = new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS);
    var workload =
        new FakeWorkload(
            4,
            () ->
                new IllegalStateException("OOM when allocating tensor with shape[16,64,51,51,25]"));

    run().run(parts(gpus -> meter, spec -> workload));

    List<RunEvent> events = withoutSamples();
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.OUT_OF_MEMORY, failed.reason());
    // RunStarted, the first measured batch, then the failure.
    assertEquals(3, events.size(), events.toString());
    assertTrue(workload.closed && meter.closed);
  }

  @Test
  void aWorkloadRefusingTheSpecEndsTheRunWithInvalidSpec() {
    var meter = new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS);

    run()
        .run(
            parts(
                gpus -> meter,
                spec -> {
                  throw new IllegalArgumentException(
                      "batchSize must be divisible by devices (3): 16");
                }));

    List<RunEvent> events = events();
    assertEquals(1, events.size(), events.toString());
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(0));
    assertAll(
        () -> assertEquals(0, failed.seq()),
        () -> assertEquals(FailureReason.INVALID_SPEC, failed.reason()),
        () ->
            assertTrue(
                failed.message().contains("batchSize must be divisible by devices (3): 16"),
                failed.message()),
        () -> assertTrue(meter.closed, "meter not closed"));
  }

  @Test
  void aMeterThatCannotOpenEndsTheRunWithMeterUnavailable() {
    var workloadsBuilt = new AtomicInteger();

    run()
        .run(
            parts(
                gpus -> {
                  throw new IllegalStateException(
                      "libnvidia-ml.so.1: cannot open shared object file");
                },
                spec -> {
                  workloadsBuilt.incrementAndGet();
                  return new FakeWorkload();
                }));

    List<RunEvent> events = events();
    assertEquals(1, events.size(), events.toString());
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(0));
    assertEquals(FailureReason.METER_UNAVAILABLE, failed.reason());
    assertTrue(failed.message().contains("libnvidia-ml.so.1"), failed.message());
    assertEquals(0, workloadsBuilt.get(), "a workload was built without a meter");
  }

  @Test
  void aMeterFailingMidRunEndsTheRunWithAFailureAndClosesEverything() {
    var meter = new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS);
    meter.failAtRead = 4; // the end of the second measured batch
    var workload = new FakeWorkload();

    run().run(parts(gpus -> meter, spec -> workload));

    List<RunEvent> events = withoutSamples();
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(3, events.size(), events.toString());
    assertTrue(failed.message().contains("NVML_ERROR_GPU_IS_LOST"), failed.message());
    assertTrue(workload.closed && meter.closed);
  }

  /**
   * Bug (JobRun.idlePower/measure): only a failure to open the meter becomes a
   * MeterUnavailableException; a failed read mid-run is classified internal, although that
   * exception is documented as "the meter could not be opened or read".
   */
  @Test
  void aMeterFailingMidRunEndsTheRunWithMeterUnavailable() {
    var meter = new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS);
    meter.failAtRead = 4;

    run().run(parts(gpus -> meter, spec -> new FakeWorkload()));

    List<RunEvent> events = withoutSamples();
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.METER_UNAVAILABLE, failed.reason());
  }

  /**
   * Bug (JobRun.run, finally block): the power sampler is only {@code shutdownNow()}-ed, never
   * awaited, so a power read in progress (about 2 ms of NVML; up to 500 ms in this fake) outlives
   * the run: the meter is closed under it and its PowerSample is written after RunCompleted.
   * Passes once JobRun stops and awaits the sampler before it writes the terminal event.
   */
  @Test
  void theMeterIsNotClosedWhileTheSamplerReadsIt() {
    var meter = new FakeMeter(EnergyMethod.NVML_ENERGY_COUNTER, ENERGY_STEPS);
    meter.blockPowerUntilClosed = true;
    var workload = new FakeWorkload();
    workload.waitBeforeFirstStep = meter.powerEntered;

    run().run(parts(gpus -> meter, spec -> workload));

    assertFalse(meter.closedWhileReading, "meter closed while the sampler was reading it");
    List<RunEvent> events = events();
    assertInstanceOf(RunCompleted.class, events.get(events.size() - 1));
  }
}
