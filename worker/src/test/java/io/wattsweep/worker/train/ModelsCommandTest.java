package io.wattsweep.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.common.spec.ModelName;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsCommandTest {

  @Test
  void everyModelSweepsMayNameIsDescribed() {
    for (BuiltInModel m : BuiltInModel.values()) {
      assertEquals(m.wireName(), Workloads.describe(m, 0.25, 4).model());
    }
  }

  @Test
  void unknownModelIsRejectedNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelName.parse("model", "stylegan"));
    assertEquals("model must be one of 3dgan, vae-progan: 'stylegan'", e.getMessage());
  }

  @Test
  void describingScalesParametersAndFlopsWithoutTraining() {
    ModelInfo small = Workloads.describe(BuiltInModel.GAN_3D, 0.25, 64);
    // The same numbers a running workload reports (ThreeDGanTrainingTest), FLOPs linear in batch.
    assertEquals(15_121, small.generatorParameters());
    assertEquals(3_672, small.discriminatorParameters());
    assertEquals(2_091_363_456L * 16, small.flopsPerStep());
    ModelInfo full = Workloads.describe(BuiltInModel.VAE_PROGAN, 1, 32);
    assertEquals(4, full.parametersByNetwork().size());
    assertTrue(full.totalParameters() > 75_000_000 && full.totalParameters() < 90_000_000);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Workloads.describe(BuiltInModel.GAN_3D, 0, 64));
    assertEquals("scale must be in (0, 1]: 0.0", e.getMessage());
  }

  @Test
  void modelsCommandPrintsEveryModelAtEveryScale() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(1.0, 0.25));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.get(0).startsWith("MODEL"), lines.get(0));
    assertTrue(lines.get(1).matches("3dgan +1\\.000 +64 .*generator .* \\| discriminator .*"));
    assertTrue(lines.get(2).startsWith("3dgan        0.250"), lines.get(2));
    assertTrue(
        lines.get(3).matches("vae-progan +1\\.000 +32 .* 85,394,627  encoder .*"), lines.get(3));
    assertTrue(lines.get(4).startsWith("vae-progan   0.250"), lines.get(4));
  }

  @Test
  void modelsCommandPrintsParametersBesideTheStudysAndFullTrainingWithItsSource() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelsCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(1.0));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(
        out.contains(
            "  parameters: ours generator 1,364,983 | discriminator 87,354;"
                + " the study's generator 1,364,983 | discriminator 87,354"),
        out);
    assertTrue(
        out.contains(
            "  full training: 124,987 samples x 60 epochs: 1,952 batches an epoch"
                + " at batch 64, 117,120 in all (the study's training: 124,987 showers an epoch"),
        out);
    assertTrue(
        out.contains(
            "the study's generator 18,734,214 | local-discriminator 22,900,000 |"
                + " global-discriminator 23,050,000"),
        out);
    assertTrue(
        out.contains(
            "  full training: none known: the study's code counts training in"
                + " thousands of images shown (total_kimg"),
        out);
  }

  /** At scale 1 each network the study counted is within 1% of its count. */
  @Test
  void fullSizeNetworksAreWithinOnePercentOfTheStudys() {
    for (BuiltInModel m : BuiltInModel.values()) {
      var ours = Workloads.describe(m, 1, m.studyBatchSize()).parametersByNetwork();
      m.studyParameters()
          .forEach(
              (network, study) ->
                  assertEquals(
                      study, ours.get(network), study * 0.01, m.wireName() + " " + network));
    }
  }
}
