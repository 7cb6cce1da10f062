package io.wattsweep.common.energy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wattsweep.common.spec.FullTraining;
import org.junit.jupiter.api.Test;

class EnergyReportTest {
  private static final double EPS = 1e-9;
  private static final FullTraining TRAINING = new FullTraining(1_000, 3);

  /** Four batches whose own windows sum to 52 J while the span's counter difference is 60 J. */
  private static final double[] PER_BATCH = {10, 12, 14, 16};

  private static final long SPAN_NANOS = 800_000_000L;

  private static EnergyReport report(double idleWatts) {
    return EnergyReport.of(
        EnergyMethod.NVML_ENERGY_COUNTER, 4, PER_BATCH, SPAN_NANOS, 60.0, idleWatts, TRAINING, 64);
  }

  @Test
  void energyPerBatchIsTheSpansEnergyOverItsBatchesNotTheMeanOfTheBatches() {
    EnergyReport r = report(0);

    assertEquals(15.0, r.energyPerBatchJoules(), EPS);
    assertEquals(13.0, r.perBatchJoules().mean(), EPS);
    assertEquals(0.2, r.secondsPerBatch(), EPS);
    assertEquals(4, r.measuredBatches());
    assertEquals(EnergyMethod.NVML_ENERGY_COUNTER, r.method());
  }

  @Test
  void netEnergySubtractsIdlePowerOverEachBatchsTime() {
    EnergyReport r = report(50.0);

    // 15 J per batch - 50 W x 0.2 s = 5 J.
    assertEquals(5.0, r.netEnergyPerBatchJoules(), EPS);
    assertEquals(50.0, r.idlePowerWatts(), EPS);
    assertEquals(15.0, r.energyPerBatchJoules(), EPS);
  }

  @Test
  void netEnergyIsFlooredAtZeroWhenIdleExceedsTheBatch() {
    EnergyReport r = report(100.0);

    // 100 W x 0.2 s = 20 J of idle against 15 J measured.
    assertEquals(0.0, r.netEnergyPerBatchJoules(), EPS);
  }

  @Test
  void fullTrainingScalesTheSpansEnergyPerBatchAndTheBatchesInterval() {
    TrainingEstimate t = report(0).fullTraining();

    // 1000 // 64 = 15 batches per epoch x 3 epochs.
    long batches = 45;
    // sd of {10, 12, 14, 16} = sqrt(20 / 3); t(3) = 3.182; n = 4.
    double ci = 3.182 * Math.sqrt(20.0 / 3) / 2;
    assertAll(
        () -> assertEquals(batches, t.batches()),
        () -> assertEquals(15.0 * batches, t.energyJoules(), EPS),
        () -> assertEquals(ci * batches, t.energyCi95Joules(), 1e-6),
        () -> assertEquals(184.86, t.energyCi95Joules(), 0.01),
        () -> assertEquals(0.2 * batches, t.durationSeconds(), EPS));
  }

  @Test
  void noMeasuredBatchesAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EnergyReport.of(EnergyMethod.RAPL, 0, PER_BATCH, SPAN_NANOS, 60, 0, TRAINING, 64));
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EnergyReport.of(
                    EnergyMethod.RAPL, 4, new double[0], SPAN_NANOS, 60, 0, TRAINING, 64));

    assertEquals("measuredBatches must be >= 1: 0", e.getMessage());
    assertEquals("perBatchJoules must hold at least one batch: 0", empty.getMessage());
  }

  @Test
  void anEstimatesMethodStaysWithItsReport() {
    EnergyReport r =
        EnergyReport.of(EnergyMethod.TDP_ESTIMATE, 4, PER_BATCH, SPAN_NANOS, 60, 0, TRAINING, 64);

    assertEquals(EnergyMethod.TDP_ESTIMATE, r.method());
    assertEquals(true, r.method().isEstimate());
  }

  @Test
  void withoutAFullTrainingThereIsNoExtrapolation() {
    EnergyReport r =
        EnergyReport.of(
            EnergyMethod.NVML_ENERGY_COUNTER, 4, PER_BATCH, SPAN_NANOS, 60.0, 0, null, 64);

    assertEquals(null, r.fullTraining());
    assertEquals(15.0, r.energyPerBatchJoules(), EPS);
  }
}
