package io.wattsweep.worker.meter.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Trapezoids of instant power, on injected times. */
class NvmlInstantPowerIntegratorTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void trapezoidsIntegrateARampExactly() {
    InstantPowerIntegrator integrator = new InstantPowerIntegrator();
    assertEquals(0, integrator.add(5 * SECOND, 0), 0);
    assertEquals(25, integrator.add(6 * SECOND, 50), 1e-12);
    assertEquals(100, integrator.add(7 * SECOND, 100), 1e-12);
    assertEquals(100, integrator.add(7 * SECOND, 300), 1e-12, "no time, no energy");
    assertEquals(100, integrator.joules(), 1e-12);
  }

  @Test
  void aClockGoingBackwardsIsRefused() {
    InstantPowerIntegrator integrator = new InstantPowerIntegrator();
    integrator.add(2 * SECOND, 100);
    assertThrows(IllegalArgumentException.class, () -> integrator.add(SECOND, 100));
    assertThrows(IllegalArgumentException.class, () -> integrator.add(3 * SECOND, Double.NaN));
  }
}
