package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import org.junit.jupiter.api.Test;

class TrainingChoiceTest {

  private static JobSpec job(String model, FullTraining training) {
    return new JobSpec(
        "s1-x", "s1", model, 1.0, "a100", Precision.FP32, 32, 1, 1, 10, training, null, null, null);
  }

  @Test
  void theJobsFullTrainingIsUsedAsItIs() {
    FullTraining t = new FullTraining(124_987, 60);
    assertEquals(new TrainingChoice(t, null), TrainingChoice.of(job("3dgan", t), null));
  }

  @Test
  void aBuiltInModelWithoutAKnownFullTrainingExtrapolatesNothingAndSaysWhy() {
    TrainingChoice c = TrainingChoice.of(job("vae-progan", null), null);
    assertNull(c.training());
    assertTrue(
        c.note().startsWith("no full-training extrapolation for vae-progan: none known"), c.note());
  }
}
