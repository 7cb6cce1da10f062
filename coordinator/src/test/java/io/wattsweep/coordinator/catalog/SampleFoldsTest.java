package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.PowerSample;
import org.junit.jupiter.api.Test;

/** The folds of left-out samples follow the catalog's transactions. */
class SampleFoldsTest {
  private static final long WINDOW = SampleDecimation.FULL_RATE_EVENTS + SampleDecimation.STRIDE;

  private static PowerSample sample(long seq, double watts) {
    return new PowerSample("job", "run", seq, seq * 100, watts, EnergyMethod.NVML_ENERGY_COUNTER);
  }

  @Test
  void aRollbackUndoesTheFoldsOfItsOwnTransactionOnly() {
    var folds = new SampleFolds();
    folds.begin();
    folds.fold(sample(WINDOW - 2, 100));
    folds.committed();

    folds.begin();
    folds.fold(sample(WINDOW - 1, 300));
    folds.rollback();

    assertEquals(new SampleFolds.Summary(2, 100, 200, 150), folds.close(sample(WINDOW, 200)));
  }

  @Test
  void aRollbackAfterACommitLeavesTheCommittedFoldsBe() {
    var folds = new SampleFolds();
    folds.begin();
    folds.fold(sample(WINDOW - 2, 100));
    folds.committed();

    // A later transaction that folded nothing (a sweep's insert, say) fails.
    folds.rollback();

    assertEquals(new SampleFolds.Summary(2, 100, 200, 150), folds.close(sample(WINDOW, 200)));
    assertNull(folds.close(sample(WINDOW + SampleDecimation.STRIDE, 200)));
  }
}
