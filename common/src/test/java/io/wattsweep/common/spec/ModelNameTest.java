package io.wattsweep.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelNameTest {

  @Test
  void bothStudyModelsParseByTheirWireNames() {
    assertEquals(BuiltInModel.GAN_3D, ModelName.parse("model", "3dgan"));
    assertEquals(BuiltInModel.VAE_PROGAN, ModelName.parse("model", "vae-progan"));
  }

  @Test
  void threeDGanDefaultsToTheStudysTrainingCountedAsItCountedSteps() {
    FullTraining t = BuiltInModel.GAN_3D.defaultFullTraining().orElseThrow();
    assertEquals(new FullTraining(124_987, 60), t);
    // 124,987 // 64 = 1,952 steps an epoch (the last 59 showers are not trained); x 60 epochs.
    assertEquals(1_952L, t.batchesPerEpoch(64));
    assertEquals(117_120L, t.batchesPerEpoch(64) * t.epochs());
  }

  @Test
  void vaeProGanHasNoDefaultFullTrainingAndSaysWhy() {
    assertEquals(Optional.empty(), BuiltInModel.VAE_PROGAN.defaultFullTraining());
    assertTrue(
        BuiltInModel.VAE_PROGAN.fullTrainingSource().contains("total_kimg"),
        BuiltInModel.VAE_PROGAN.fullTrainingSource());
  }

  @Test
  void checkAcceptsBuiltInModelsAndCommandWorkloadsByName() {
    assertEquals("3dgan", ModelName.check("model", "3dgan"));
    assertEquals("command:resnet50-pytorch", ModelName.check("model", "command:resnet50-pytorch"));
    assertEquals("command:bert_large.v2", ModelName.check("model", "command:bert_large.v2"));
    assertEquals(
        "command:" + "a".repeat(64), ModelName.check("model", "command:" + "a".repeat(64)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "command:",
        "command:rm -rf /",
        "command:Train",
        "command:-x",
        "command:../bin/sh",
        "command:a;b",
        "command:$(id)"
      })
  void commandNamesThatAreNotPlainWordsAreRejectedNamingTheValue(String model) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelName.check("model", model));
    assertEquals(
        "model must name a command workload by a name of 1-64 characters of a-z, 0-9,"
            + " '.', '_' and '-', starting with a letter or digit (a sweep never carries a command"
            + " line): '"
            + model
            + "'",
        e.getMessage());
  }

  @Test
  void commandNamesLongerThan64CharactersAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelName.check("model", "command:" + "a".repeat(65)));
  }

  @Test
  void checkNamesBothKindsOfModelForAnUnknownOne() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelName.check("model", "stylegan"));
    assertEquals(
        "model must be one of 3dgan, vae-progan, or command:NAME for a command workload"
            + " configured on the workers: 'stylegan'",
        e.getMessage());
  }

  @Test
  void unknownModelIsRejectedNamingEveryKnownOneAndTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelName.parse("model", "stylegan"));
    assertEquals("model must be one of 3dgan, vae-progan: 'stylegan'", e.getMessage());
  }
}
