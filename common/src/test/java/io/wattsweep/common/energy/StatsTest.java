package io.wattsweep.common.energy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
  private static final double EPS = 1e-9;

  @Test
  void meanSampleSdAndTIntervalOfOneToTen() {
    Stats s = Stats.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

    // Squared deviations from 5.5 sum to 2 * (0.25 + 2.25 + 6.25 + 12.25 + 20.25) = 82.5.
    double sd = Math.sqrt(82.5 / 9);
    assertAll(
        () -> assertEquals(10, s.n()),
        () -> assertEquals(5.5, s.mean(), EPS),
        () -> assertEquals(sd, s.stdDev(), EPS),
        () -> assertEquals(3.02765, s.stdDev(), 1e-5),
        () -> assertEquals(2.262 * sd / Math.sqrt(10), s.ci95HalfWidth(), EPS),
        () -> assertEquals(2.16570, s.ci95HalfWidth(), 1e-5));
  }

  @Test
  void twoValuesUseTheQuantileForOneDegreeOfFreedom() {
    Stats s = Stats.of(1, 3);

    // sd = sqrt(((1-2)^2 + (3-2)^2) / 1) = sqrt(2); half-width = 12.706 * sqrt(2) / sqrt(2).
    assertEquals(2.0, s.mean(), EPS);
    assertEquals(Math.sqrt(2), s.stdDev(), EPS);
    assertEquals(12.706, s.ci95HalfWidth(), EPS);
  }

  @Test
  void identicalValuesHaveNoSpread() {
    Stats s = Stats.of(31.5, 31.5, 31.5, 31.5);

    assertEquals(31.5, s.mean(), EPS);
    assertEquals(0.0, s.stdDev(), EPS);
    assertEquals(0.0, s.ci95HalfWidth(), EPS);
  }

  @Test
  void aSingleValueHasAMeanButNoSpread() {
    Stats s = Stats.of(42.0);

    assertEquals(1, s.n());
    assertEquals(42.0, s.mean(), EPS);
    assertTrue(Double.isNaN(s.stdDev()), "sd " + s.stdDev());
    assertTrue(Double.isNaN(s.ci95HalfWidth()), "ci " + s.ci95HalfWidth());
  }

  @Test
  void noValuesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Stats::of);

    assertEquals("values must hold at least one value: 0", e.getMessage());
  }

  @Test
  void theTQuantileIsTabulatedUpToThirtyDegrees() {
    assertEquals(12.706, Stats.tQuantile975(1), EPS);
    assertEquals(2.262, Stats.tQuantile975(9), EPS);
    assertEquals(2.042, Stats.tQuantile975(30), EPS);
  }

  @Test
  void theTQuantileContinuesSmoothlyPastTheTable() {
    // Published two-sided 95% quantiles: t(31) = 2.0395, t(60) = 2.0003, t(120) = 1.9799.
    assertEquals(2.0395, Stats.tQuantile975(31), 1e-3);
    assertEquals(2.0003, Stats.tQuantile975(60), 1e-3);
    assertEquals(1.9799, Stats.tQuantile975(120), 1e-3);
    assertTrue(Stats.tQuantile975(31) < Stats.tQuantile975(30));
    assertTrue(Stats.tQuantile975(120) < Stats.tQuantile975(60));
  }

  @Test
  void theTQuantileApproachesTheNormalQuantileForManyDegrees() {
    assertEquals(1.962, Stats.tQuantile975(1000), 0.002);
    assertEquals(1.95996, Stats.tQuantile975(1_000_000), 1e-4);
    assertTrue(Stats.tQuantile975(1000) > 1.959964);
  }
}
