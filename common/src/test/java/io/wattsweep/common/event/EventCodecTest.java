package io.wattsweep.common.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.energy.IdleBaseline;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.StoppingRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {
  private static final long AT = 1_767_225_600_000L;

  static final RunStarted STARTED =
      new RunStarted(
          "s1-0a1b2c3d4e",
          "s1-0a1b2c3d4e-r1",
          0,
          AT,
          "worker-7",
          "gpu-node-3",
          Precision.MIXED_FP16,
          Precision.MIXED_FP16,
          "",
          List.of(
              new DeviceInfo(0, "gpu", "GPU-aaaa", "NVIDIA H200", "hopper", 700.0, "580.65"),
              new DeviceInfo(1, "gpu", "GPU-bbbb", "NVIDIA H200", "hopper", 700.0, "580.65")),
          EnergyMethod.NVML_ENERGY_COUNTER,
          142.5,
          872_000L,
          131_000L,
          9_400_000_000L,
          "tensorflow-java 1.1.0 (TensorFlow 2.18)",
          null,
          null,
          null,
          null);
  static final PowerSample SAMPLE =
      new PowerSample("j1", "r1", 1, AT + 100, 512.25, EnergyMethod.TDP_ESTIMATE);
  static final BatchMeasured BATCH =
      new BatchMeasured("j1", "r1", 2, AT + 200, 0, 48_000_000L, 31.5, 0.001, 0.693, 1.386);
  static final RunCompleted COMPLETED =
      new RunCompleted(
          "j1",
          "r1",
          12,
          AT + 900,
          10,
          480_000_000L,
          315.0,
          142.5,
          EnergyMethod.RAPL,
          null,
          null,
          null,
          null);
  static final Artifact ARTIFACT =
      new Artifact(
          "s3://models/wattsweep/3dgan/s1/j1/r1/generator.zip",
          "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          1_234_567L);
  static final RunCompleted COMPLETED_WITH_ARTIFACT =
      new RunCompleted(
          "j1",
          "r1",
          12,
          AT + 900,
          10,
          480_000_000L,
          315.0,
          142.5,
          EnergyMethod.RAPL,
          ARTIFACT,
          null,
          null,
          null);
  static final RunFailed FAILED =
      new RunFailed(
          "j1",
          "r1",
          3,
          AT + 300,
          FailureReason.OUT_OF_MEMORY,
          "OutOfMemoryError: OOM when allocating tensor");
  static final WorkerHeartbeat HEARTBEAT =
      WorkerHeartbeat.of("worker-7", "cpu", "host-1", AT, List.of());

  static final JobSpec JOB =
      new JobSpec(
          "s1-0a1b2c3d4e",
          "s1",
          "3dgan",
          0.25,
          "a100",
          Precision.MIXED_FP16,
          64,
          2,
          2,
          10,
          new FullTraining(360_000, 30),
          null,
          null,
          null);

  /** A command workload's start: sizes unknown, the worker's full training, losses NaN. */
  static final RunStarted COMMAND_STARTED =
      new RunStarted(
          "s2-0a1b2c3d4e",
          "s2-0a1b2c3d4e-r1",
          0,
          AT,
          "worker-7",
          "gpu-node-3",
          Precision.FP32,
          Precision.FP32,
          "not verified: the command was asked for fp32",
          List.of(),
          EnergyMethod.RAPL,
          40.0,
          0,
          0,
          0,
          "pytorch 2.4 (command workload resnet50)",
          new FullTraining(1_281_167, 90),
          null,
          null,
          null);

  static Stream<Arguments> everyEventType() {
    return Stream.of(
        Arguments.of(STARTED, "run-started"),
        Arguments.of(COMMAND_STARTED, "run-started"),
        Arguments.of(
            new BatchMeasured(
                "j1", "r1", 2, AT + 200, 0, 48_000_000L, 31.5, 0.001, Double.NaN, Double.NaN),
            "batch-measured"),
        Arguments.of(SAMPLE, "power-sample"),
        Arguments.of(BATCH, "batch-measured"),
        Arguments.of(COMPLETED, "run-completed"),
        Arguments.of(COMPLETED_WITH_ARTIFACT, "run-completed"),
        Arguments.of(FAILED, "run-failed"),
        Arguments.of(HEARTBEAT, "worker-heartbeat"),
        Arguments.of(
            WorkerHeartbeat.of("worker-7", "cpu", "host-1", AT, List.of("j1")), "worker-heartbeat"),
        Arguments.of(
            WorkerHeartbeat.of("worker-7", "a100", "host-1", AT, List.of("j1", "j2")),
            "worker-heartbeat"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("everyEventType")
  void everyEventRoundTripsEqual(Event event, String type) {
    assertEquals(event, EventCodec.decodeEvent(EventCodec.encode(event)));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("everyEventType")
  void theJsonCarriesVersionOneAndTheTypesWireName(Event event, String type) throws IOException {
    JsonNode tree = Json.MAPPER.readTree(EventCodec.encode(event));

    assertEquals(1, tree.get("v").intValue());
    assertEquals(type, tree.get("type").textValue());
  }

  @Test
  void aCommandJobWithoutFullTrainingRoundTripsEqual() {
    JobSpec job =
        new JobSpec(
            "s2-0a1b2c3d4e",
            "s2",
            "command:resnet50",
            1.0,
            "a100",
            Precision.BF16,
            64,
            1,
            2,
            10,
            null,
            null,
            null,
            null);

    assertEquals(job, EventCodec.decodeJob(EventCodec.encodeJob(job)));
  }

  @Test
  void aJobSpecRoundTripsEqualAndCarriesVersionOne() throws IOException {
    byte[] bytes = EventCodec.encodeJob(JOB);

    assertEquals(JOB, EventCodec.decodeJob(bytes));
    assertEquals(1, Json.MAPPER.readTree(bytes).get("v").intValue());
  }

  @Test
  void enumsAreWrittenAsTheirWireNames() throws IOException {
    JsonNode sample = Json.MAPPER.readTree(EventCodec.encode(SAMPLE));
    JsonNode failed = Json.MAPPER.readTree(EventCodec.encode(FAILED));
    JsonNode started = Json.MAPPER.readTree(EventCodec.encode(STARTED));
    JsonNode job = Json.MAPPER.readTree(EventCodec.encodeJob(JOB));

    assertEquals("tdp-estimate", sample.get("method").textValue());
    assertEquals("out-of-memory", failed.get("reason").textValue());
    assertEquals("mixed-fp16", started.get("precisionRequested").textValue());
    assertEquals("nvml-energy-counter", started.get("energyMethod").textValue());
    assertEquals("mixed-fp16", job.get("precision").textValue());
  }

  @Test
  void aRunStartedKeepsItsDevicesInOrder() {
    RunStarted decoded = (RunStarted) EventCodec.decodeEvent(EventCodec.encode(STARTED));

    assertEquals(
        List.of("GPU-aaaa", "GPU-bbbb"), decoded.devices().stream().map(DeviceInfo::uuid).toList());
  }

  static Stream<Arguments> undecodablePayloads() {
    byte[] batch = EventCodec.encode(BATCH);
    return Stream.of(
        Arguments.of("version 2", edit(batch, o -> o.put("v", 2)), "version must be 1: 2"),
        Arguments.of("no version", edit(batch, o -> o.without("v")), "version must be 1: null"),
        Arguments.of("version as text", edit(batch, o -> o.put("v", "one")), "version must be 1"),
        Arguments.of("not JSON", utf8("hello, kafka"), "cannot decode Event"),
        Arguments.of(
            "a JSON array", utf8("[{\"v\":1}]"), "payload is not a JSON object: [{\"v\":1}]"),
        Arguments.of("a JSON string", utf8("\"run-started\""), "payload is not a JSON object"),
        Arguments.of("an empty payload", utf8(""), "payload is not a JSON object"),
        Arguments.of("a tombstone", null, "payload is empty"),
        Arguments.of(
            "an unknown type", edit(batch, o -> o.put("type", "run-exploded")), "run-exploded"),
        Arguments.of("no type", edit(batch, o -> o.without("type")), "type"),
        Arguments.of("seq -1", edit(batch, o -> o.put("seq", -1)), "seq must be >= 0: -1"),
        Arguments.of(
            "batchIndex -3",
            edit(batch, o -> o.put("batchIndex", -3)),
            "batchIndex must be >= 0: -3"),
        Arguments.of(
            "an unknown reason",
            edit(EventCodec.encode(FAILED), o -> o.put("reason", "bored")),
            "reason is not known: 'bored'"),
        Arguments.of(
            "an unknown energy method",
            edit(EventCodec.encode(SAMPLE), o -> o.put("method", "guess")),
            "energyMethod is not known: 'guess'"),
        Arguments.of(
            "an artifact without a checksum",
            edit(
                EventCodec.encode(COMPLETED_WITH_ARTIFACT),
                o -> {
                  ((ObjectNode) o.get("artifact")).put("sha256", "abc");
                  return o;
                }),
            "artifact.sha256 must be 64 lower-case hex digits: 'abc'"),
        Arguments.of(
            "an artifact of 0 bytes",
            edit(
                EventCodec.encode(COMPLETED_WITH_ARTIFACT),
                o -> {
                  ((ObjectNode) o.get("artifact")).put("bytes", 0);
                  return o;
                }),
            "artifact.bytes must be >= 1: 0"),
        Arguments.of(
            "a completion without its span",
            edit(EventCodec.encode(COMPLETED), o -> o.without("spanEnergyJoules")),
            "Missing creator property 'spanEnergyJoules'"));
  }

  @Test
  void aCompletionFromAWriterBeforeArtifactsDecodesWithoutOne() throws IOException {
    // The payload as writers before artifacts sent it: no "artifact" field at all.
    byte[] old =
        utf8(
            "{\"type\":\"run-completed\",\"jobId\":\"j1\",\"runId\":\"r1\",\"seq\":12,"
                + "\"atMs\":1767225600900,\"measuredBatches\":10,"
                + "\"spanDurationNanos\":480000000,\"spanEnergyJoules\":315.0,"
                + "\"idlePowerWatts\":142.5,\"energyMethod\":\"rapl\",\"v\":1}");

    assertEquals(COMPLETED, EventCodec.decodeEvent(old));
    assertTrue(
        Json.MAPPER
            .readTree(EventCodec.encode(COMPLETED_WITH_ARTIFACT))
            .get("artifact")
            .get("sha256")
            .textValue()
            .equals(ARTIFACT.sha256()));
  }

  @Test
  void aRunsBaselineWarmUpAndReadyIdleRoundTripAndOlderPayloadsDecodeWithoutThem()
      throws IOException {
    RunCompleted done =
        new RunCompleted(
            "j1",
            "r1",
            12,
            1767225600900L,
            27,
            480_000_000L,
            315.0,
            151.0,
            EnergyMethod.RAPL,
            null,
            9,
            true,
            IdleBaseline.JOB_READY);
    JsonNode json = Json.MAPPER.readTree(EventCodec.encode(done));
    assertEquals(done, EventCodec.decodeEvent(EventCodec.encode(done)));
    assertEquals("job-ready", json.get("idleBaseline").textValue());

    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(EventCodec.encode(STARTED));
    old.remove("readyIdlePowerWatts");
    RunStarted decoded = (RunStarted) EventCodec.decodeEvent(Json.MAPPER.writeValueAsBytes(old));
    assertEquals(null, decoded.readyIdlePowerWatts());
  }

  @Test
  void aHeartbeatNamesAllItsJobsAndOneFromAWorkerOfOneJobAtATimeStillDecodes() throws IOException {
    var two = WorkerHeartbeat.of("worker-7", "a100", "host-1", AT, List.of("j1", "j2"));
    JsonNode json = Json.MAPPER.readTree(EventCodec.encode(two));
    assertEquals("j1", json.get("jobId").textValue(), "the first job, for first-release readers");
    assertEquals(2, json.get("jobIds").size());

    ObjectNode old = (ObjectNode) json;
    old.remove("jobIds");
    WorkerHeartbeat decoded =
        (WorkerHeartbeat) EventCodec.decodeEvent(Json.MAPPER.writeValueAsBytes(old));
    assertEquals(List.of("j1"), decoded.jobIds());
    old.putNull("jobId");
    decoded = (WorkerHeartbeat) EventCodec.decodeEvent(Json.MAPPER.writeValueAsBytes(old));
    assertEquals(List.of(), decoded.jobIds());
  }

  @Test
  void aJobFromACoordinatorBeforeStoppingRulesDecodesWithItsFixedCounts() throws IOException {
    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(EventCodec.encodeJob(JOB));
    old.remove("stopping");

    JobSpec decoded = EventCodec.decodeJob(Json.MAPPER.writeValueAsBytes(old));

    assertEquals(JOB, decoded);
    assertEquals(
        StoppingRules.fixed(JOB.warmupBatches(), JOB.measuredBatches()), decoded.stopping());
  }

  @Test
  void aJobFromACoordinatorBeforeDatasetsDecodesOnSyntheticData() throws IOException {
    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(EventCodec.encodeJob(JOB));
    old.remove("dataset");

    JobSpec decoded = EventCodec.decodeJob(Json.MAPPER.writeValueAsBytes(old));

    assertEquals(JOB, decoded);
    assertEquals(null, decoded.dataset());
  }

  @Test
  void aJobFromACoordinatorBeforeBatchSemanticsDecodesWithAGlobalBatch() throws IOException {
    JobSpec perGpu =
        new JobSpec(
            "s1-0a1b2c3d4e",
            "s1",
            "3dgan",
            0.5,
            "a100",
            Precision.FP32,
            8,
            2,
            1,
            4,
            new FullTraining(1_000, 3),
            null,
            null,
            BatchSemantics.PER_GPU);
    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(EventCodec.encodeJob(perGpu));
    assertEquals("per-gpu", old.get("batchSemantics").asText());
    old.remove("batchSemantics");

    JobSpec decoded = EventCodec.decodeJob(Json.MAPPER.writeValueAsBytes(old));

    assertEquals(BatchSemantics.GLOBAL, decoded.batchSemantics());
    assertEquals(8, decoded.globalBatchSize());
    assertEquals(perGpu, EventCodec.decodeJob(EventCodec.encodeJob(perGpu)));
  }

  @Test
  void aStartFromAWriterBeforeCommandWorkloadsDecodesWithoutAWorkerFullTraining()
      throws IOException {
    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(EventCodec.encode(STARTED));
    old.remove("workerFullTraining");

    RunStarted decoded = (RunStarted) EventCodec.decodeEvent(Json.MAPPER.writeValueAsBytes(old));

    assertEquals(STARTED, decoded);
    assertEquals(null, decoded.workerFullTraining());
  }

  @Test
  void aStartFromAWriterBeforeArchitecturesDecodesWithoutOne() throws IOException {
    RunStarted built =
        new RunStarted(
            STARTED.jobId(),
            STARTED.runId(),
            STARTED.seq(),
            STARTED.atMs(),
            STARTED.workerId(),
            STARTED.host(),
            STARTED.precisionRequested(),
            STARTED.precisionRan(),
            STARTED.precisionNote(),
            STARTED.devices(),
            STARTED.energyMethod(),
            STARTED.idlePowerWatts(),
            STARTED.generatorParameters(),
            STARTED.discriminatorParameters(),
            STARTED.flopsPerStep(),
            STARTED.framework(),
            STARTED.workerFullTraining(),
            "generator (10 parameters): dense/w 2x5",
            "9120b52addb297e72ff6c2176e71996c60ea7201",
            null);
    assertEquals(built, EventCodec.decodeEvent(EventCodec.encode(built)));
    ObjectNode old = (ObjectNode) Json.MAPPER.readTree(EventCodec.encode(built));
    old.remove("architecture");
    old.remove("sourceRevision");

    RunStarted decoded = (RunStarted) EventCodec.decodeEvent(Json.MAPPER.writeValueAsBytes(old));

    assertEquals(STARTED, decoded);
    assertEquals(null, decoded.architecture());
    assertEquals(null, decoded.sourceRevision());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("undecodablePayloads")
  void anUndecodableEventThrowsADecodeExceptionNamingTheProblem(
      String what, byte[] payload, String expected) {
    EventCodec.DecodeException e =
        assertThrows(EventCodec.DecodeException.class, () -> EventCodec.decodeEvent(payload));

    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  static Stream<Arguments> undecodableJobs() {
    byte[] job = EventCodec.encodeJob(JOB);
    return Stream.of(
        Arguments.of("version 0", edit(job, o -> o.put("v", 0)), "version must be 1: 0"),
        Arguments.of(
            "batchSize 0", edit(job, o -> o.put("batchSize", 0)), "batchSize must be >= 1: 0"),
        Arguments.of(
            "gpuClass in upper case", edit(job, o -> o.put("gpuClass", "A100")), "gpuClass"),
        Arguments.of("an unknown precision", edit(job, o -> o.put("precision", "fp8")), "fp8"),
        Arguments.of(
            "no fullTraining",
            edit(job, o -> o.without("fullTraining")),
            "Missing creator property 'fullTraining'"),
        Arguments.of("garbage", new byte[] {(byte) 0xff, 0x00, 0x13}, "cannot decode JobSpec"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("undecodableJobs")
  void anUndecodableJobThrowsADecodeExceptionNamingTheProblem(
      String what, byte[] payload, String expected) {
    EventCodec.DecodeException e =
        assertThrows(EventCodec.DecodeException.class, () -> EventCodec.decodeJob(payload));

    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void unknownFieldsFromANewerWriterOfTheSameVersionAreIgnored() {
    byte[] withExtra = edit(EventCodec.encode(BATCH), o -> o.put("gpuTemperatureC", 71));

    assertEquals(BATCH, EventCodec.decodeEvent(withExtra));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] edit(byte[] json, UnaryOperator<ObjectNode> change) {
    try {
      ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(json);
      return Json.MAPPER.writeValueAsBytes(change.apply(tree));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
