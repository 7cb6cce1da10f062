package io.wattsweep.worker.train.proganvae;

import static io.wattsweep.worker.train.internal.TowerPlacement.TOWERS;
import static io.wattsweep.worker.train.internal.TowerPlacement.assertOnTheirOwnDevices;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.WorkloadSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VAE-ProGAN's towers on two logical CPU devices run on their own ({@code TowerPlacement}). */
class TowerPlacementTest {

  @Test
  void vaeProGanTowersRunEveryOpOnTheirOwnDevice() {
    try (VaeProGan gan =
        VaeProGan.open(new WorkloadSpec("vae-progan", 0.03, Precision.FP32, 4, TOWERS, 3))) {
      assertOnTheirOwnDevices(Map.of("vae-progan step", gan.graphsRan()));
    }
  }
}
