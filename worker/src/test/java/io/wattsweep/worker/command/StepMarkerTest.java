package io.wattsweep.worker.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StepMarkerTest {
  @Test
  void beginNamesTheStepAndEndHasNoName() {
    assertEquals(
        Optional.of(new StepMarker(Optional.of("fp32 matmul"))),
        StepMarker.parse("WATTSWEEP_STEP  fp32 matmul \r"));
    assertEquals(Optional.of(new StepMarker(Optional.of(""))), StepMarker.parse("WATTSWEEP_STEP"));
    assertTrue(StepMarker.parse("WATTSWEEP_STEP_END").get().isEnd());
    assertTrue(StepMarker.parse("WATTSWEEP_STEP_END  \r").get().isEnd());
  }

  @Test
  void otherLinesAreNotMarkers() {
    assertEquals(Optional.empty(), StepMarker.parse("epoch 1 WATTSWEEP_STEP x"));
    assertEquals(Optional.empty(), StepMarker.parse(" WATTSWEEP_STEP x"));
    assertEquals(Optional.empty(), StepMarker.parse("WATTSWEEP_STEPS x"));
    assertEquals(Optional.empty(), StepMarker.parse("WATTSWEEP_STEP_ENDED"));
  }
}
