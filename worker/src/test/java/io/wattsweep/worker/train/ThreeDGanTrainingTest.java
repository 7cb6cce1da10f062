package io.wattsweep.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.threedgan.ThreeDGan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreeDGanTrainingTest {

  private static WorkloadSpec small(long seed) {
    return new WorkloadSpec("3dgan", 0.25, Precision.FP32, 4, 1, seed);
  }

  @Test
  void smallGanLossesMoveOverSteps() {
    List<StepLosses> losses = new ArrayList<>();
    try (Workload gan = Workloads.open(small(1))) {
      for (int i = 0; i < 20; i++) {
        losses.add(gan.step());
      }
    }
    for (StepLosses l : losses) {
      assertTrue(Double.isFinite(l.discriminator()) && Double.isFinite(l.generator()), l::toString);
    }
    assertTrue(
        losses.stream().mapToDouble(StepLosses::discriminator).distinct().count() > 10,
        losses::toString);
    assertTrue(
        losses.stream().mapToDouble(StepLosses::generator).distinct().count() > 10,
        losses::toString);
    // The total-deposit term dominates at first and the generator learns it quickly.
    assertTrue(losses.get(19).generator() < losses.get(0).generator(), losses::toString);
  }

  @Test
  void sameSeedGivesSameInitialLoss() {
    List<StepLosses> first = firstSteps(5);
    assertEquals(first, firstSteps(5));
    assertNotEquals(first.get(0).discriminator(), firstSteps(6).get(0).discriminator());
  }

  /** Two steps: the second shows that the updates, not only the start, repeat. */
  private static List<StepLosses> firstSteps(long seed) {
    try (Workload gan = Workloads.open(small(seed))) {
      return List.of(gan.step(), gan.step());
    }
  }

  @Test
  void infoCountsParametersAndFlops() {
    try (Workload gan = Workloads.open(small(1))) {
      ModelInfo info = gan.info();
      assertEquals("3dgan", info.model());
      assertEquals(0.25, info.scale());
      // G: dense 64x192+192; convs 6x6x8x2x2+2, 3 x (4x4x6x2x2+2), 3x3x5x2x2+2, 3x3x3x2x2+2,
      // 2x2x2x2x1+1; batch norm 2x2 after each of the first five.
      assertEquals(15_121, info.generatorParameters());
      // D: convs 5x6x6x1x4+4, 5x6x6x4x2+2, 2 x (5x6x6x2x2+2); batch norm 2x2 after the last
      // three; two heads on the 4x3x1x2 pooled features.
      assertEquals(3_672, info.discriminatorParameters());
      // 2 x batch 4 x (7 G - 2 Gdense + 10 D - 2 D1) multiply-adds, with per sample
      // G = 25,895,664, Gdense = 12,288, D = 8,843,088 and D1 = 4,127,760 (21x21x13 images).
      assertEquals(2_091_363_456L, info.flopsPerStep());
      assertTrue(info.flopsMethod().startsWith("analytic"), info::toString);
      Architectures.assertDescribes(gan.architecture().orElseThrow(), info.parametersByNetwork());
    }
  }

  /**
   * The published network at full size: 51x51x25 showers, G 1,364,983 and D 87,354 parameters (the
   * count of AngleArch3dGAN.py's layers), trained on the CPU for two steps of batch 2.
   */
  @Test
  void fullSizeGanTrainsOnTheCpu() {
    try (ThreeDGan gan = ThreeDGan.open(new WorkloadSpec("3dgan", 1, Precision.FP32, 2, 1, 3))) {
      assertEquals(1_364_983, gan.info().generatorParameters());
      assertEquals(87_354, gan.info().discriminatorParameters());
      float[] g = gan.weights(ThreeDGan.Network.GENERATOR);
      float[] d = gan.weights(ThreeDGan.Network.DISCRIMINATOR);
      for (int i = 0; i < 2; i++) {
        StepLosses l = gan.step();
        assertTrue(
            Double.isFinite(l.discriminator()) && Double.isFinite(l.generator()), l::toString);
      }
      assertFalse(Arrays.equals(g, gan.weights(ThreeDGan.Network.GENERATOR)));
      assertFalse(Arrays.equals(d, gan.weights(ThreeDGan.Network.DISCRIMINATOR)));
    }
  }

  @Test
  void tf32OnCpuRunsFp32AndSaysSo() {
    try (Workload gan = Workloads.open(new WorkloadSpec("3dgan", 0.1, Precision.TF32, 2, 1, 1))) {
      assertEquals(Precision.FP32, gan.precisionRan());
      assertTrue(
          gan.precisionNote()
              .startsWith(
                  "tf32 needs an Ampere or newer NVIDIA GPU; this"
                      + " run used fp32 on the CPU; CPU kernels: "),
          gan.precisionNote());
    }
  }

  @Test
  void unknownModelIsRejectedNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Workloads.open(new WorkloadSpec("stylegan", 1, Precision.FP32, 8, 1, 1)));
    assertEquals("model must be one of 3dgan, vae-progan: 'stylegan'", e.getMessage());
  }

  @Test
  void scaleOutsideZeroToOneIsRejectedNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WorkloadSpec("3dgan", 1.5, Precision.FP32, 8, 1, 1));
    assertEquals("scale must be in (0, 1]: 1.5", e.getMessage());
  }
}
