package io.wattsweep.common.spec;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattsweep.common.json.Json;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SweepParserTest {
  private static final String FULL_YAML =
      """
      name: 3dgan-a100-grid
      model: 3dgan
      scale: 0.25
      gpuClass: [a100, h100-sxm]
      precision:
        - fp32
        - mixed-fp16
      batchSize: [64, 128]
      gpus: [1, 2, 4]
      warmupBatches: 3
      measuredBatches: 20
      fullTraining:
        datasetSize: 400000
        epochs: 60
      """;

  private static final String FULL_JSON =
      """
      {"name": "3dgan-a100-grid", "model": "3dgan", "scale": 0.25,
       "gpuClass": ["a100", "h100-sxm"], "precision": ["fp32", "mixed-fp16"],
       "batchSize": [64, 128], "gpus": [1, 2, 4], "warmupBatches": 3, "measuredBatches": 20,
       "fullTraining": {"datasetSize": 400000, "epochs": 60}}
      """;

  /** The smallest valid sweep; each bad input below changes one field of it. */
  private static final String MINIMAL =
      """
      {"model": "3dgan", "gpuClass": "cpu", "precision": "fp32", "batchSize": 8, "gpus": 1}
      """;

  @Test
  void yamlAndJsonOfTheSameSweepParseToEqualSpecs() {
    SweepSpec fromYaml = SweepParser.parse(FULL_YAML, true);
    SweepSpec fromJson = SweepParser.parse(FULL_JSON, false);

    assertEquals(fromJson, fromYaml);
    assertEquals(
        new SweepSpec(
            "3dgan-a100-grid",
            "3dgan",
            0.25,
            List.of("a100", "h100-sxm"),
            List.of(Precision.FP32, Precision.MIXED_FP16),
            List.of(64, 128),
            List.of(1, 2, 4),
            3,
            20,
            new FullTraining(400_000, 60),
            java.util.Map.of(),
            new StoppingRules(SweepSpec.DEFAULT_MAX_WARMUP_BATCHES, 20, 0.02),
            null,
            BatchSemantics.PER_GPU),
        fromYaml);
  }

  @Test
  void omittedFieldsTakeTheStudysDefaults() {
    SweepSpec spec = SweepParser.parse(MINIMAL, false);

    assertAll(
        () -> assertEquals(10, spec.measuredBatches()),
        () -> assertEquals(2, spec.warmupBatches()),
        () -> assertEquals(1.0, spec.scale()),
        () -> assertEquals("3dgan", spec.name()),
        () ->
            assertEquals(
                BuiltInModel.GAN_3D.defaultFullTraining().orElseThrow(), spec.fullTraining()),
        () -> assertEquals(new FullTraining(124_987, 60), spec.fullTraining()),
        // Warm-up goes on until power settles; measuring stays the study's fixed 10.
        () -> assertEquals(new StoppingRules(30, 10, 0.02), spec.stopping()),
        // The study's batch_size is per replica, as MirroredStrategy counts it.
        () -> assertEquals(BatchSemantics.PER_GPU, spec.batchSemantics()));
  }

  @Test
  void aGlobalBatchReachesEveryJobOfTheSweep() {
    SweepSpec spec =
        SweepParser.parse(
            "model: 3dgan\ngpuClass: a100\nprecision: fp32\n"
                + "batchSize: 256\ngpus: [1, 4]\nbatchSemantics: global\n",
            true);

    assertEquals(
        List.of(256, 256), spec.expand("s1").stream().map(JobSpec::globalBatchSize).toList());
  }

  @Test
  void aSweepAskingForATargetPrecisionPassesItToEveryJob() {
    SweepSpec spec =
        SweepParser.parse(
            "model: 3dgan\ngpuClass: a100\nprecision: [fp32, bf16]\n"
                + "batchSize: 8\ngpus: 1\nwarmupBatches: 5\nmaxWarmupBatches: 40\n"
                + "maxMeasuredBatches: 200\ntargetCiShare: 0.01\n",
            true);

    var expected = new StoppingRules(40, 200, 0.01);
    assertEquals(expected, spec.stopping());
    assertTrue(spec.expand("s1").stream().allMatch(j -> j.stopping().equals(expected)));
  }

  @Test
  void aCommandWorkloadRunsFixedCountsByDefault() {
    SweepSpec spec =
        SweepParser.parse(
            "model: command:resnet50-pytorch\ngpuClass: a100\n"
                + "precision: fp32\nbatchSize: 8\ngpus: 1\nwarmupBatches: 4\n",
            true);

    assertEquals(new StoppingRules(4, 10, 0.02), spec.stopping());
  }

  @Test
  void aBlankNameFallsBackToTheModel() {
    SweepSpec spec = SweepParser.parse(with(MINIMAL, "name", "\"  \""), false);

    assertEquals("3dgan", spec.name());
  }

  @Test
  void aScalarAxisValueIsAListOfOne() {
    SweepSpec spec =
        SweepParser.parse(
            "model: 3dgan\ngpuClass: a10\nprecision: bf16\nbatchSize: 32\ngpus: 2\n", true);

    assertAll(
        () -> assertEquals(List.of("a10"), spec.gpuClass()),
        () -> assertEquals(List.of(Precision.BF16), spec.precision()),
        () -> assertEquals(List.of(32), spec.batchSize()),
        () -> assertEquals(List.of(2), spec.gpus()));
  }

  /** 50 values of 1,000 control characters: 50,000 characters, 300,000 as JSON. */
  private static String metadataOfControlCharacters() {
    var entries = new java.util.ArrayList<String>();
    for (int i = 0; i < Metadata.MAX_ENTRIES; i++) {
      entries.add("\"k" + i + "\": \"" + "\\u0001".repeat(Metadata.MAX_VALUE_LENGTH) + "\"");
    }
    return "{" + String.join(", ", entries) + "}";
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        bad("batchSize as text", with(MINIMAL, "batchSize", "\"eight\""), "batchSize", "eight"),
        bad("batchSize as a fraction", with(MINIMAL, "batchSize", "[8, 1.5]"), "batchSize", "1.5"),
        bad("batchSize of zero", with(MINIMAL, "batchSize", "0"), "batchSize", "0"),
        bad("gpus as a boolean", with(MINIMAL, "gpus", "true"), "gpus", "true"),
        bad("scale as text", with(MINIMAL, "scale", "\"big\""), "scale", "big"),
        bad("scale above one", with(MINIMAL, "scale", "2"), "scale", "2.0"),
        bad("model as a number", with(MINIMAL, "model", "3"), "model", "3"),
        bad("unknown model", with(MINIMAL, "model", "\"stylegan\""), "model", "stylegan"),
        bad(
            "gpuClass as an object",
            with(MINIMAL, "gpuClass", "{\"a\": 1}"),
            "gpuClass",
            "{\"a\":1}"),
        bad("unknown precision", with(MINIMAL, "precision", "\"fp8\""), "precision", "fp8"),
        bad(
            "unknown batchSemantics",
            with(MINIMAL, "batchSemantics", "\"per-node\""),
            "batchSemantics",
            "per-node"),
        bad(
            "batchSemantics as a number",
            with(MINIMAL, "batchSemantics", "2"),
            "batchSemantics",
            "2"),
        bad(
            "measuredBatches of zero",
            with(MINIMAL, "measuredBatches", "0"),
            "measuredBatches",
            "0"),
        bad("negative warmupBatches", with(MINIMAL, "warmupBatches", "-1"), "warmupBatches", "-1"),
        bad(
            "unknown field",
            with(MINIMAL, "learningRate", "0.001"),
            "learningRate",
            "learningRate"),
        bad(
            "unknown nested fullTraining field",
            with(MINIMAL, "fullTraining", "{\"datasetSize\": 100, \"epochs\": 2, \"steps\": 9}"),
            "fullTraining.steps",
            "fullTraining.steps"),
        bad(
            "fullTraining.datasetSize as text",
            with(MINIMAL, "fullTraining", "{\"datasetSize\": \"many\", \"epochs\": 2}"),
            "fullTraining.datasetSize",
            "many"),
        bad(
            "fullTraining.epochs of zero",
            with(MINIMAL, "fullTraining", "{\"datasetSize\": 100, \"epochs\": 0}"),
            "fullTraining.epochs",
            "0"),
        bad("duplicate batchSize", with(MINIMAL, "batchSize", "[8, 16, 8]"), "batchSize", "8"),
        bad(
            "duplicate precision",
            with(MINIMAL, "precision", "[\"bf16\", \"bf16\"]"),
            "precision",
            "bf16"),
        bad("empty gpus axis", with(MINIMAL, "gpus", "[]"), "gpus", "[]"),
        bad(
            "gpuClass in upper case",
            with(MINIMAL, "gpuClass", "[\"cpu\", \"A100\"]"),
            "gpuClass",
            "'A100'"),
        bad("gpuClass with a space", with(MINIMAL, "gpuClass", "\"a 100\""), "gpuClass", "'a 100'"),
        bad(
            "command line as a field",
            with(MINIMAL, "command", "\"rm -rf /\""),
            "command",
            "\"rm -rf /\""),
        bad(
            "argv as a field",
            with(MINIMAL, "argv", "[\"sh\", \"-c\", \"id\"]"),
            "argv",
            "[\"sh\",\"-c\",\"id\"]"),
        bad(
            "command line as a command name",
            with(MINIMAL, "model", "\"command:rm -rf /\""),
            "model",
            "'command:rm -rf /'"),
        bad("metadata as a list", with(MINIMAL, "metadata", "[\"a\"]"), "metadata", "[\"a\"]"),
        bad(
            "metadata value as an object",
            with(MINIMAL, "metadata", "{\"team\": {\"a\": 1}}"),
            "metadata.team",
            "{\"a\":1}"),
        bad(
            "metadata key with a space",
            with(MINIMAL, "metadata", "{\"my key\": \"x\"}"),
            "metadata keys",
            "'my key'"),
        bad(
            "metadata value too long",
            with(
                MINIMAL,
                "metadata",
                "{\"notes\": \"" + "x".repeat(Metadata.MAX_VALUE_LENGTH + 1) + "\"}"),
            "metadata.notes",
            "1001"),
        bad(
            "a billion measured batches",
            with(MINIMAL, "measuredBatches", "1000000000"),
            "measuredBatches",
            "1000000000"),
        bad(
            "warm-up past its cap",
            with(MINIMAL, "warmupBatches", "1001"),
            "warmupBatches",
            "1001"),
        bad(
            "maxMeasuredBatches below measuredBatches",
            with(MINIMAL, "maxMeasuredBatches", "5"),
            "maxMeasuredBatches",
            "5"),
        bad(
            "maxMeasuredBatches past its cap",
            with(MINIMAL, "maxMeasuredBatches", "10001"),
            "maxMeasuredBatches",
            "10001"),
        bad(
            "maxWarmupBatches below warmupBatches",
            with(with(MINIMAL, "warmupBatches", "8"), "maxWarmupBatches", "4"),
            "maxWarmupBatches",
            "4"),
        bad(
            "maxWarmupBatches past its cap",
            with(MINIMAL, "maxWarmupBatches", "1001"),
            "maxWarmupBatches",
            "1001"),
        bad(
            "targetCiShare as a percentage",
            with(MINIMAL, "targetCiShare", "2"),
            "targetCiShare",
            "2.0"),
        bad("targetCiShare of zero", with(MINIMAL, "targetCiShare", "0"), "targetCiShare", "0.0"),
        bad(
            "targetCiShare as text",
            with(MINIMAL, "targetCiShare", "\"2%\""),
            "targetCiShare",
            "\"2%\""),
        bad(
            "a command workload asking for more batches",
            with(with(MINIMAL, "model", "\"command:train\""), "maxMeasuredBatches", "50"),
            "maxMeasuredBatches",
            "50"),
        bad("a million GPUs", with(MINIMAL, "gpus", "1048576"), "gpus", "1048576"),
        bad("batchSize past its cap", with(MINIMAL, "batchSize", "131072"), "batchSize", "131072"),
        bad(
            "a dataset past its cap",
            with(MINIMAL, "fullTraining", "{\"datasetSize\": 10000000000000, \"epochs\": 2}"),
            "fullTraining.datasetSize",
            "10000000000000"),
        bad(
            "epochs past their cap",
            with(MINIMAL, "fullTraining", "{\"datasetSize\": 100, \"epochs\": 1000001}"),
            "fullTraining.epochs",
            "1000001"),
        bad(
            "a name of 201 characters",
            with(MINIMAL, "name", "\"" + "n".repeat(201) + "\""),
            "name",
            "201"),
        bad(
            "a name of 100,000 characters",
            with(MINIMAL, "name", "\"" + "n".repeat(100_000) + "\""),
            "name",
            "100000"),
        bad(
            "an escape sequence in the name",
            with(MINIMAL, "name", "\"red\\u001b[31m\""),
            "name",
            "U+001B"),
        bad(
            "a right-to-left override in the name",
            with(MINIMAL, "name", "\"a\\u202eb\""),
            "name",
            "U+202E"),
        bad(
            "metadata that grows past its column when escaped",
            with(MINIMAL, "metadata", metadataOfControlCharacters()),
            "metadata",
            "escapes counted"),
        bad(
            "an unknown field of 20,000 characters",
            with(MINIMAL, "x".repeat(20_000), "1"),
            "unknown field",
            "(20000 characters)"),
        bad(
            "a relative dataset path",
            with(MINIMAL, "dataset", "\"data/ele.h5\""),
            "dataset",
            "data/ele.h5"),
        bad(
            "a dataset as a list",
            with(MINIMAL, "dataset", "[\"/d.h5\"]"),
            "dataset",
            "[\"/d.h5\"]"),
        bad(
            "a dataset for a model that reads none",
            with(with(MINIMAL, "model", "\"vae-progan\""), "dataset", "\"/d.h5\""),
            "dataset",
            "vae-progan"),
        bad("missing model", without(MINIMAL, "model"), "model", "missing"),
        bad("missing gpus", without(MINIMAL, "gpus"), "gpus", "missing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void aBadInputIsRefusedNamingTheFieldAndTheValue(
      String what, String json, String field, String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SweepParser.parse(json, false));

    assertTrue(e.getMessage().contains(field), "field missing from: " + e.getMessage());
    assertTrue(e.getMessage().contains(value), "value missing from: " + e.getMessage());
  }

  @Test
  void metadataKeepsItsOrderAndNumbersAndBooleansAsText() {
    SweepSpec spec =
        SweepParser.parse(
            """
        model: 3dgan
        gpuClass: cpu
        precision: fp32
        batchSize: 8
        gpus: 1
        metadata:
          project: calo-sim
          dataset/version: 2
          baseline: true
        """,
            true);

    assertEquals(
        List.of("project", "dataset/version", "baseline"), List.copyOf(spec.metadata().keySet()));
    assertEquals(
        java.util.Map.of("project", "calo-sim", "dataset/version", "2", "baseline", "true"),
        spec.metadata());
    assertEquals(java.util.Map.of(), SweepParser.parse(MINIMAL, false).metadata());
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    IllegalArgumentException list =
        assertThrows(IllegalArgumentException.class, () -> SweepParser.parse("[1, 2]", false));
    IllegalArgumentException broken =
        assertThrows(
            IllegalArgumentException.class, () -> SweepParser.parse("{\"model\": ", false));
    IllegalArgumentException brokenYaml =
        assertThrows(
            IllegalArgumentException.class, () -> SweepParser.parse("model: [3dgan", true));

    assertEquals("body must be an object with the sweep's fields: [1,2]", list.getMessage());
    assertTrue(broken.getMessage().startsWith("body is not valid JSON: "), broken.getMessage());
    assertTrue(
        brokenYaml.getMessage().startsWith("body is not valid YAML: "), brokenYaml.getMessage());
  }

  @Test
  void aCommandFieldIsRefusedSayingHowASweepNamesACommandWorkload() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SweepParser.parse(
                    "model: 3dgan\ncommand: python3 train.py\ngpuClass: cpu\n"
                        + "precision: fp32\nbatchSize: 8\ngpus: 1\n",
                    true));

    assertTrue(
        e.getMessage().startsWith("unknown field 'command': \"python3 train.py\"; known: "),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                "; a sweep names a command workload by name only, as"
                    + " model: command:NAME, from those configured on the workers"),
        e.getMessage());
  }

  @Test
  void aCommandWorkloadIsNamedAsItsModel() {
    SweepSpec spec =
        SweepParser.parse(
            "model: command:resnet50-pytorch\ngpuClass: a100\n"
                + "precision: bf16\nbatchSize: 64\ngpus: 1\n",
            true);

    assertEquals("command:resnet50-pytorch", spec.model());
  }

  @Test
  void aDatasetReachesEveryJobOfTheSweep() {
    SweepSpec spec =
        SweepParser.parse(with(MINIMAL, "dataset", "\"/data/3dgan/EleEscan_1_1.h5\""), false);

    assertEquals("/data/3dgan/EleEscan_1_1.h5", spec.dataset());
    assertTrue(
        spec.expand("s1").stream()
            .allMatch(j -> "/data/3dgan/EleEscan_1_1.h5".equals(j.dataset())));
    assertEquals(null, SweepParser.parse(MINIMAL, false).expand("s1").get(0).dataset());
  }

  @Test
  void anEmptyBodyIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SweepParser.parse("", false));
    assertThrows(IllegalArgumentException.class, () -> SweepParser.parse("", true));
    assertThrows(IllegalArgumentException.class, () -> SweepParser.parse(null, false));
  }

  private static Arguments bad(String what, String json, String field, String value) {
    return Arguments.of(what, json, field, value);
  }

  /** {@code json} with {@code field} set to the JSON value {@code valueJson}. */
  private static String with(String json, String field, String valueJson) {
    try {
      ObjectNode obj = (ObjectNode) Json.MAPPER.readTree(json);
      obj.set(field, Json.MAPPER.readTree(valueJson));
      return Json.toJson(obj);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String without(String json, String field) {
    try {
      ObjectNode obj = (ObjectNode) Json.MAPPER.readTree(json);
      obj.remove(field);
      return Json.toJson(obj);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
