package io.wattsweep.worker.train.proganvae;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.proganvae.VaeProGan.Network;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaeProGanUpdatesTest {

  @Test
  void eachNetworksStepLeavesTheOtherNetworksAndTheFrozenEncoderUnchanged() {
    try (VaeProGan gan =
        VaeProGan.open(new WorkloadSpec("vae-progan", 0.03, Precision.FP32, 4, 1, 3))) {
      for (Network stepped :
          List.of(Network.GENERATOR, Network.LOCAL_DISCRIMINATOR, Network.GLOBAL_DISCRIMINATOR)) {
        Map<Network, float[]> before = new EnumMap<>(Network.class);
        for (Network n : Network.values()) {
          before.put(n, gan.weights(n));
        }
        double loss = gan.step(stepped);
        assertTrue(Double.isFinite(loss), stepped + " loss " + loss);
        for (Network n : Network.values()) {
          if (n == stepped) {
            assertFalse(Arrays.equals(before.get(n), gan.weights(n)), stepped + " did not change");
          } else {
            assertArrayEquals(before.get(n), gan.weights(n), stepped + " step changed " + n);
          }
        }
      }
      assertThrows(IllegalArgumentException.class, () -> gan.step(Network.ENCODER));
    }
  }

  /**
   * Two towers train, but need not match one device exactly: the minibatch standard deviation
   * groups samples within a tower, as ProGAN's does within a GPU.
   */
  @Test
  void twoTowersOnLogicalCpusTrain() {
    try (VaeProGan gan =
        VaeProGan.open(new WorkloadSpec("vae-progan", 0.03, Precision.FP32, 4, 2, 3))) {
      StepLosses losses = gan.step();
      assertTrue(
          Double.isFinite(losses.discriminator()) && Double.isFinite(losses.generator()),
          losses::toString);
    }
  }

  @Test
  void builtVariablesMatchTheLayerTable() {
    ModelInfo built = VaeProGan.describe(0.125, 1);
    Map<Network, Long> table = VaeProGan.tableParameters(0.125);
    for (Network n : Network.values()) {
      assertEquals(table.get(n), built.parametersByNetwork().get(n.label()), n.label());
    }
  }

  /**
   * The table at scale 1, counted by hand. Convolutions 3x3 unless said; "a->b" is in and out
   * channels, each with b biases. ProGAN feature maps: 512 to 32x32, then 256, 128, 64. Images have
   * one channel.
   */
  @Test
  void fullSizeLayerTableHasTheExpectedParameters() {
    long conv512 = 9L * 512 * 512 + 512; // 2,359,808
    // 4x4: one 512->512 convolution (its input is 4 x 128 = 512 channels); 8..32: two each.
    long trunk512 = (1 + 3 * 2) * conv512;
    long g64 = 9L * 512 * 256 + 256 + 9L * 256 * 256 + 256; // 1,769,984
    long g128 = 9L * 256 * 128 + 128 + 9L * 128 * 128 + 128; // 442,624
    long toRgb = 128L * 1 + 1;
    long generator = trunk512 + g64 + g128 + toRgb;
    // Critic trunk: from_rgb 1x1 1->128; 128: 128->128, 128->256; 64: 256->256, 256->512; 32, 16,
    // 8: 512->512 twice.
    long fromRgb128 = 1L * 128 + 128;
    long d128 = 9L * 128 * 128 + 128 + 9L * 128 * 256 + 256; // 442,752
    long d64 = 9L * 256 * 256 + 256 + 9L * 256 * 512 + 512; // 1,770,240
    long trunk = fromRgb128 + d128 + d64 + 3 * 2 * conv512;
    // 4x4: minibatch stddev adds a channel, 3x3 513->512, dense 8192->512, score 512->1.
    long criticHead = 9L * 513 * 512 + 512 + 8192L * 512 + 512 + 512 + 1;
    long local = trunk + criticHead;
    // Global: from_rgb 1x1 1->64 at 256x256; 256: 64->64, 64->128; then the local trunk's blocks.
    long global = 1L * 64 + 64 + 9L * 64 * 64 + 64 + 9L * 64 * 128 + 128 + (local - fromRgb128);
    // Encoder, stride 2 from 128x128: 1->64, 64->128, 128->256, 256->512, 512->512; dense
    // 4x4x512 -> 2048.
    long encoder =
        9L * 1 * 64
            + 64
            + 9L * 64 * 128
            + 128
            + 9L * 128 * 256
            + 256
            + 9L * 256 * 512
            + 512
            + conv512
            + 8192L * 2048
            + 2048;
    Map<Network, Long> table = VaeProGan.tableParameters(1);
    assertAll(
        () -> assertEquals(20_688_896L, encoder),
        // The study: 18,734,214; 22.9M and 23.05M for the critics.
        () -> assertEquals(18_731_393L, generator),
        () -> assertEquals(22_931_841L, local),
        () -> assertEquals(23_042_497L, global),
        () -> assertEquals(encoder, table.get(Network.ENCODER)),
        () -> assertEquals(generator, table.get(Network.GENERATOR)),
        () -> assertEquals(local, table.get(Network.LOCAL_DISCRIMINATOR)),
        () -> assertEquals(global, table.get(Network.GLOBAL_DISCRIMINATOR)));
  }

  @Test
  void fullSizeModelHoldsAboutEightyFiveMillionParameters() {
    ModelInfo info = VaeProGan.describe(1, 32);
    assertEquals(85_394_627L, info.totalParameters());
    assertEquals(128, VaeProGan.tileSide(1));
    assertEquals(32, VaeProGan.tileSide(0.125));
  }
}
