package io.wattsweep.common.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelNameTest {

  @Test
  void bothStudyModelsParseByTheirWireNames() {
    assertEquals(ModelName.GAN_3D, ModelName.parse("model", "3dgan"));
    assertEquals(ModelName.VAE_PROGAN, ModelName.parse("model", "vae-progan"));
  }

  @Test
  void vaeProGanDefaultsToProGansScheduleOfImages() {
    FullTraining t = ModelName.VAE_PROGAN.defaultFullTraining();
    assertEquals(6_600_000L, t.datasetSize());
    assertEquals(1, t.epochs());
    assertEquals(412_500L, t.batchesPerEpoch(16));
  }

  @Test
  void unknownModelIsRejectedNamingEveryKnownOneAndTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelName.parse("model", "stylegan"));
    assertEquals("model must be one of 3dgan, vae-progan: 'stylegan'", e.getMessage());
  }
}
