package io.wattsweep.coordinator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrecisionLabelTest {

  @Test
  void anEmulatedPrecisionIsSaidNextToWhatRan() {
    String note = "bf16 emulated: this CPU has no bf16 instructions; CPU kernels: oneDNN";
    assertEquals("bf16 emulated", PrecisionLabel.of("bf16", "bf16", note));
    assertEquals("bf16 emulated", PrecisionLabel.of(null, "bf16", note));
    assertEquals("bf16", PrecisionLabel.of("bf16", "bf16", "CPU kernels: oneDNN"));
    assertEquals("bf16 → ran fp32", PrecisionLabel.of("bf16", "fp32", "the rewrite did not apply"));
    assertEquals("fp32", PrecisionLabel.of("fp32", null, null));
  }
}
