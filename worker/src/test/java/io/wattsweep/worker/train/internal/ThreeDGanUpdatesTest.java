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
  void twoLogicalCpusGiveTheSameUpdateAsOneDeviceOnTheSameGlobalBatch() {
    try (ThreeDGan one = ThreeDGan.open(spec(4, 1));
        ThreeDGan two = ThreeDGan.open(spec(4, 2))) {
      // Variables are shared by the towers, so the tower count does not change the start.
      assertArrayEquals(one.weights(Network.GENERATOR), two.weights(Network.GENERATOR));
      assertArrayEquals(one.weights(Network.DISCRIMINATOR), two.weights(Network.DISCRIMINATOR));
      assertEquals(one.info().flopsPerStep(), two.info().flopsPerStep());
      float[] start = one.weights(Network.GENERATOR);
      for (int i = 0; i < 2; i++) {
        StepLosses single = one.step();
        StepLosses split = two.step();
        // Each tower's loss is a mean over its half; their mean is the global batch's mean.
        assertEquals(single.discriminator(), split.discriminator(), 1e-5, "D loss, step " + i);
        assertEquals(single.generator(), split.generator(), 1e-5, "G loss, step " + i);
        assertClose(one.weights(Network.DISCRIMINATOR), two.weights(Network.DISCRIMINATOR), i);
        assertClose(one.weights(Network.GENERATOR), two.weights(Network.GENERATOR), i);
      }
      // And the update was not nothing.
      assertFalse(Arrays.equals(start, one.weights(Network.GENERATOR)));
    }
  }

  /** Float tolerance: sums over a batch split in two are added in a different order. */
  private static void assertClose(float[] expected, float[] actual, int step) {
    assertEquals(expected.length, actual.length);
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst < 1e-5f, "largest weight difference after step " + step + ": " + worst);
  }

  @Test
  void batchThatDoesNotSplitAcrossDevicesIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(5, 2));
    assertEquals("batchSize must be divisible by devices (2): 5", e.getMessage());
  }
}
