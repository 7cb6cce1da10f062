package io.wattsweep.coordinator.report;

import io.wattsweep.common.spec.Precision;

/** How tables, reports and charts name the precision a run ran at, next to its figures. */
public final class PrecisionLabel {

  private PrecisionLabel() {}

  /**
   * "fp32", "bf16 emulated" where the run's note says the hardware lacked it, or "bf16 → ran fp32"
   * where another precision ran than the one requested.
   *
   * @param requested the precision asked for, or null to name only what ran
   * @param ran the precision that ran, or null when the run has not said
   * @param note the run's precision note, or null
   */
  public static String of(String requested, String ran, String note) {
    if (ran == null) {
      return requested == null ? "" : requested;
    }
    String label = ran;
    if (Precision.parse("precisionRan", ran).emulatedIn(note)) {
      label = ran + " emulated";
    }
    return requested == null || requested.equals(ran) ? label : requested + " → ran " + label;
  }
}
