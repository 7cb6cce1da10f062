package io.wattsweep.common.energy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.spec.BuiltInModel;
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
  void aPartialLastBatchOfAnEpochIsNotTrained() {
    // 1001 // 100 = 10 batches per epoch, as the study counts steps.
    TrainingEstimate t = TrainingEstimate.of(1, 0, 1, new FullTraining(1_001, 2), 100);

    assertEquals(20, t.batches());
    assertEquals(20.0, t.energyJoules(), EPS);
  }

  @Test
  void thePostersThreeDGanEnergyIs395JoulesPerBatchOf64OverTheStudysTraining() {
    // 124,987 // 64 = 1,952 batches x 60 epochs = 117,120; x 395.3 J = 46,297,536 J: 46.3 MJ.
    FullTraining study = BuiltInModel.GAN_3D.defaultFullTraining().orElseThrow();
    TrainingEstimate t = TrainingEstimate.of(395.3, 0, 1, study, 64);

    assertEquals(117_120, t.batches());
    assertEquals(46_297_536, t.energyJoules(), 1e-3);
    assertEquals(46.3, t.energyMegajoules(), 0.05);
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
