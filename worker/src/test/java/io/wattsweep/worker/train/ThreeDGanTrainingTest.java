package io.wattsweep.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.Precision;
import java.util.ArrayList;
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
      // G: dense 64x64+64, convs 5^3x2x16+16, 5^3x16x8+8, 3^3x8x4+4, 3^3x4x1+1.
      assertEquals(25_161, info.generatorParameters());
      // D: convs 5^3x1x8+8, 5^3x8x2+2, 5^3x2x2+2, two heads on 4x4x2x2 features.
      assertEquals(3_642, info.discriminatorParameters());
      // 2 x batch 4 x (4 G + 9 D) multiply-adds, G = 5,377,972 and D = 1,591,128 per sample.
      assertEquals(286_656_320L, info.flopsPerStep());
      assertTrue(info.flopsMethod().startsWith("analytic"), info::toString);
    }
  }

  @Test
  void tf32OnCpuRunsFp32AndSaysSo() {
    try (Workload gan = Workloads.open(new WorkloadSpec("3dgan", 0.1, Precision.TF32, 2, 1, 1))) {
      assertEquals(Precision.FP32, gan.precisionRan());
      assertEquals(
          "tf32 needs an Ampere or newer NVIDIA GPU; this run used fp32 on the CPU",
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
