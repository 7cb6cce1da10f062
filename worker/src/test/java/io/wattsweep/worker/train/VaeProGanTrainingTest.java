package io.wattsweep.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.common.spec.Precision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaeProGanTrainingTest {

  /** 16 x 16 tiles and about 50k parameters: graph building, not arithmetic, dominates. */
  private static WorkloadSpec small(long seed) {
    return new WorkloadSpec("vae-progan", 0.03, Precision.FP32, 4, 1, seed);
  }

  @Test
  void smallModelLossesAreFiniteAndMoveOverTenSteps() {
    List<StepLosses> losses = new ArrayList<>();
    try (Workload gan = Workloads.open(small(1))) {
      for (int i = 0; i < 10; i++) {
        losses.add(gan.step());
      }
    }
    for (StepLosses l : losses) {
      assertTrue(Double.isFinite(l.discriminator()) && Double.isFinite(l.generator()), l::toString);
    }
    assertEquals(
        10, losses.stream().mapToDouble(StepLosses::discriminator).distinct().count(), "D moved");
    assertEquals(
        10, losses.stream().mapToDouble(StepLosses::generator).distinct().count(), "G moved");
  }

  @Test
  void sameSeedGivesSameLosses() {
    List<StepLosses> first = firstSteps(5);
    assertEquals(first, firstSteps(5));
    assertNotEquals(first.get(0), firstSteps(6).get(0));
  }

  /** Two steps: the second shows that the updates, not only the start, repeat. */
  private static List<StepLosses> firstSteps(long seed) {
    try (Workload gan = Workloads.open(small(seed))) {
      return List.of(gan.step(), gan.step());
    }
  }

  @Test
  void infoReportsFourNetworksAndFoldsThemIntoTwoSides() {
    try (Workload gan = Workloads.open(small(1))) {
      ModelInfo info = gan.info();
      assertEquals("vae-progan", info.model());
      assertEquals(
          List.of("encoder", "generator", "local-discriminator", "global-discriminator"),
          List.copyOf(info.parametersByNetwork().keySet()));
      var n = info.parametersByNetwork();
      assertEquals(n.get("encoder") + n.get("generator"), info.generatorParameters());
      assertEquals(
          n.get("local-discriminator") + n.get("global-discriminator"),
          info.discriminatorParameters());
      assertEquals(
          info.flopsPerStep(), Workloads.describe(BuiltInModel.VAE_PROGAN, 0.03, 4).flopsPerStep());
      assertTrue(info.flopsMethod().startsWith("analytic"), info::toString);
      Architectures.assertDescribes(gan.architecture().orElseThrow(), info.parametersByNetwork());
    }
  }
}
