package io.wattsweep.worker.train.threedgan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.threedgan.ThreeDGan.Network;
import io.wattsweep.worker.train.threedgan.ThreeDGan.Update;
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

  /**
   * Batch norm takes each tower's own statistics and each tower draws its own dropout masks and
   * noise, as MirroredStrategy's replicas do; the reference builds the same two towers on one
   * device, so what is compared is the placement and the averaging of the gradients. (A reference
   * that ran both replicas in one batch of convolutions differed by 2e-5 of the generator's
   * gradient on AVX2-only CPUs: oneDNN's sgemm there sums in an order that depends on the batch's
   * rows, and the generator's loss amplifies the last bit of its activations.)
   */
  @Test
  void twoLogicalCpusGiveTheSameGradientsAsOneDeviceOnTheSameGlobalBatch() {
    try (ThreeDGan one = ThreeDGan.openOnOneDevice(spec(4, 2));
        ThreeDGan two = ThreeDGan.open(spec(4, 2))) {
      for (Update update : Update.values()) {
        float[] expected = one.gradients(update);
        float[] actual = two.gradients(update);
        assertEquals(expected.length, actual.length);
        // Float tolerance: the same ops, run by two devices, need not add in the same order.
        double error = norm(difference(expected, actual));
        assertTrue(error <= 1e-5 * norm(expected), update + ": |difference| " + error);
        assertTrue(norm(expected) > 0, update + " gradients are all zero");
      }
    }
  }

  /**
   * The first step's four updates agree too. Later steps are not compared: RMSprop scales each
   * gradient by its own running magnitude, so float noise on a gradient that is truly zero (a bias
   * that batch norm cancels) becomes a full step of either sign, and two float32 runs that add in
   * different orders drift apart, as any two such runs do.
   */
  @Test
  void twoLogicalCpusGiveTheSameFirstStepAsOneDevice() {
    try (ThreeDGan one = ThreeDGan.openOnOneDevice(spec(4, 2));
        ThreeDGan two = ThreeDGan.open(spec(4, 2))) {
      // Variables are shared by the towers, so the tower count does not change the start.
      assertArrayEquals(one.weights(Network.GENERATOR), two.weights(Network.GENERATOR));
      assertArrayEquals(one.weights(Network.DISCRIMINATOR), two.weights(Network.DISCRIMINATOR));
      assertEquals(one.info().flopsPerStep(), two.info().flopsPerStep());
      float[] start = one.weights(Network.GENERATOR);
      StepLosses single = one.step();
      StepLosses split = two.step();
      // Each tower's loss is a mean over its half; their mean is the global batch's mean.
      assertEquals(single.discriminator(), split.discriminator(), 1e-6 * single.discriminator());
      assertEquals(single.generator(), split.generator(), 1e-6 * single.generator());
      assertClose(one.weights(Network.DISCRIMINATOR), two.weights(Network.DISCRIMINATOR));
      assertClose(one.weights(Network.GENERATOR), two.weights(Network.GENERATOR));
      // And the update was not nothing.
      assertFalse(Arrays.equals(start, one.weights(Network.GENERATOR)));
    }
  }

  /** What the replicas stand for: whole-batch statistics and draws give another update. */
  @Test
  void oneDeviceWithWholeBatchStatisticsDiffersFromTwoTowers() {
    try (ThreeDGan whole = ThreeDGan.open(spec(4, 1));
        ThreeDGan grouped = ThreeDGan.openOnOneDevice(spec(4, 2))) {
      assertNotEquals(whole.step().discriminator(), grouped.step().discriminator());
    }
  }

  /**
   * 1e-4 is 30 times below one RMSprop step at the start (learning rate x sqrt(1 / (1 - 0.9)),
   * 3.2e-3), so an update missing or of the wrong sign fails, while float noise passes.
   */
  private static void assertClose(float[] expected, float[] actual) {
    float[] d = difference(expected, actual);
    float worst = 0;
    for (float v : d) {
      worst = Math.max(worst, Math.abs(v));
    }
    assertTrue(worst < 1e-4f, "largest weight difference after the first step: " + worst);
  }

  private static float[] difference(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    float[] d = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  @Test
  void batchThatDoesNotSplitAcrossDevicesIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(5, 2));
    assertEquals("batchSize must be divisible by devices (2): 5", e.getMessage());
  }
}
