package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.internal.ThreeDGan.Network;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ThreeDGanUpdatesTest {

  private static WorkloadSpec spec(int batch, int devices) {
    return new WorkloadSpec("3dgan", 0.25, Precision.FP32, batch, devices, 11);
  }

  @Test
  void generatorStepLeavesDiscriminatorWeightsUnchanged() {
    try (ThreeDGan gan = ThreeDGan.open(spec(4, 1))) {
      float[] dBefore = gan.weights(Network.DISCRIMINATOR);
      float[] gBefore = gan.weights(Network.GENERATOR);
      gan.stepGenerator();
      assertArrayEquals(dBefore, gan.weights(Network.DISCRIMINATOR));
      assertFalse(Arrays.equals(gBefore, gan.weights(Network.GENERATOR)));
    }
  }

  @Test
  void discriminatorStepLeavesGeneratorWeightsUnchanged() {
    try (ThreeDGan gan = ThreeDGan.open(spec(4, 1))) {
      float[] dBefore = gan.weights(Network.DISCRIMINATOR);
      float[] gBefore = gan.weights(Network.GENERATOR);
      gan.stepDiscriminator();
      assertArrayEquals(gBefore, gan.weights(Network.GENERATOR));
      assertFalse(Arrays.equals(dBefore, gan.weights(Network.DISCRIMINATOR)));
    }
  }

  @Test
  void twoTowersOnLogicalCpusTrainWithTheSameWeights() {
    try (ThreeDGan one = ThreeDGan.open(spec(4, 1));
        ThreeDGan two = ThreeDGan.open(spec(4, 2))) {
      // Variables are shared by the towers, so the tower count does not change the start.
      assertArrayEquals(one.weights(Network.GENERATOR), two.weights(Network.GENERATOR));
      assertEquals(one.info().flopsPerStep(), two.info().flopsPerStep());
      for (int i = 0; i < 3; i++) {
        StepLosses losses = two.step();
        assertTrue(
            Double.isFinite(losses.discriminator()) && Double.isFinite(losses.generator()),
            losses::toString);
      }
    }
  }

  @Test
  void batchThatDoesNotSplitAcrossDevicesIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(5, 2));
    assertEquals("batchSize must be divisible by devices (2): 5", e.getMessage());
  }
}
