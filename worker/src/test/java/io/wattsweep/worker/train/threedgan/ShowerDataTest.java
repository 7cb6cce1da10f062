package io.wattsweep.worker.train.threedgan;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.worker.train.internal.Grid;
import org.junit.jupiter.api.Test;

class ShowerDataTest {

  private static final Grid PUBLISHED = GanDims.of(1).image();

  @Test
  void syntheticShowersAreMostlyEmptyCellsAndFillMoreWithEnergy() {
    ShowerData.Pool pool = SyntheticShowers.draw(PUBLISHED, 200, 7);
    int cells = Math.toIntExact(PUBLISHED.cells());
    double lowSum = 0;
    double highSum = 0;
    int low = 0;
    int high = 0;
    double mostOccupied = 0;
    for (int e = 0; e < pool.events(); e++) {
      double share = occupied(pool.images(), e * cells, cells) / (double) cells;
      mostOccupied = Math.max(mostOccupied, share);
      // Energies in units of 100 GeV: below 50 GeV, and above 400 GeV.
      if (pool.energies()[e] < 0.5) {
        lowSum += share;
        low++;
      } else if (pool.energies()[e] > 4) {
        highSum += share;
        high++;
      }
    }
    double lowShare = lowSum / low;
    double highShare = highSum / high;
    System.out.printf(
        "occupied cells: %.4f below 50 GeV (%d events), %.4f above 400 GeV (%d), at most %.4f%n",
        lowShare, low, highShare, high, mostOccupied);
    double finalMost = mostOccupied;
    assertAll(
        () -> assertTrue(finalMost < 0.5, "most cells of every shower are empty: " + finalMost),
        () ->
            assertTrue(
                highShare > 3 * lowShare,
                "occupancy rises with energy: " + lowShare + " -> " + highShare));
  }

  @Test
  void theEcalSumFollowsThePublishedFitOfTheVisibleEnergy() {
    ShowerData.Pool pool = SyntheticShowers.draw(PUBLISHED, 200, 11);
    double worst = 0;
    for (int e = 0; e < pool.events(); e++) {
      double gev = pool.energies()[e] * ShowerData.GEV_PER_UNIT;
      double ratio = pool.ecals()[e] / SyntheticShowers.meanDepositGev(gev);
      worst = Math.max(worst, Math.abs(ratio - 1));
    }
    System.out.printf("ECAL sum against the published fit: worst relative deviation %.4f%n", worst);
    // Poisson fluctuations of 1 MeV hits: at 2 GeV (44 MeV, about 44 hits) 1/sqrt(44) = 15%.
    assertTrue(worst < 0.6, "ecal sums stray from the fit: " + worst);
    assertEquals(
        2.0188,
        SyntheticShowers.meanDepositGev(100),
        1e-4,
        "the fit's 2% of 100 GeV, (0.0018 - 0.023 + 0.11 - 0.28 + 2.21) GeV");
  }

  /** How many of {@code length} cells from {@code from} hold energy. */
  static long occupied(float[] images, int from, int length) {
    long n = 0;
    for (int c = from; c < from + length; c++) {
      n += images[c] > 0 ? 1 : 0;
    }
    return n;
  }
}
