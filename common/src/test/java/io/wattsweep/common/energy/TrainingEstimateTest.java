package io.wattsweep.common.energy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.spec.FullTraining;
import org.junit.jupiter.api.Test;

class TrainingEstimateTest {
  private static final double EPS = 1e-6;

  @Test
  void fullTrainingIsPerBatchTimesBatchesPerEpochTimesEpochs() {
    // 360,000 samples / 64 = 5,625 batches per epoch, x 30 epochs = 168,750 batches.
    TrainingEstimate t = TrainingEstimate.of(2_000, 100, 0.5, new FullTraining(360_000, 30), 64);

    assertAll(
        () -> assertEquals(168_750, t.batches()),
        () -> assertEquals(337.5e6, t.energyJoules(), EPS),
        () -> assertEquals(337.5, t.energyMegajoules(), EPS),
        () -> assertEquals(93.75, t.energyKwh(), EPS),
        () -> assertEquals(16.875e6, t.energyCi95Joules(), EPS),
        () -> assertEquals(84_375, t.durationSeconds(), EPS));
  }

  @Test
  void aPartialLastBatchOfAnEpochCounts() {
    // ceil(1001 / 100) = 11 batches per epoch.
    TrainingEstimate t = TrainingEstimate.of(1, 0, 1, new FullTraining(1_001, 2), 100);

    assertEquals(22, t.batches());
    assertEquals(22.0, t.energyJoules(), EPS);
  }

  @Test
  void aBatchLargerThanTheDatasetIsOneBatchPerEpoch() {
    TrainingEstimate t = TrainingEstimate.of(10, 1, 1, new FullTraining(50, 4), 64);

    assertEquals(4, t.batches());
    assertEquals(4.0, t.energyCi95Joules(), EPS);
  }

  @Test
  void oneKilowattHourIsThreePointSixMegajoules() {
    TrainingEstimate t = TrainingEstimate.of(3.6e6, 0, 1, new FullTraining(1, 1), 1);

    assertEquals(1.0, t.energyKwh(), 1e-12);
    assertEquals(3.6, t.energyMegajoules(), 1e-12);
  }

  @Test
  void aDatasetTooLargeForIntArithmeticStillCountsItsBatches() {
    // 10^10 samples at batch 1 is 10^10 batches per epoch: beyond int, within long.
    TrainingEstimate t = TrainingEstimate.of(1, 0, 0, new FullTraining(10_000_000_000L, 3), 1);

    assertEquals(30_000_000_000L, t.batches());
  }
}
