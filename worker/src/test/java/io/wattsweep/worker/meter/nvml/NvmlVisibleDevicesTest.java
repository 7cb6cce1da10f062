package io.wattsweep.worker.meter.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.worker.meter.nvml.VisibleDevices.Index;
import io.wattsweep.worker.meter.nvml.VisibleDevices.Uuid;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CUDA_VISIBLE_DEVICES read as CUDA reads it. */
class NvmlVisibleDevicesTest {
  private final List<String> notes = new ArrayList<>();

  @Test
  void unsetMeansEveryGpuAndEmptyMeansNone() {
    assertEquals(Optional.empty(), VisibleDevices.parse(null, notes));
    assertEquals(Optional.of(List.of()), VisibleDevices.parse("", notes));
  }

  @Test
  void indexesAndUuidsKeepTheirOrder() {
    assertEquals(
        Optional.of(List.of(new Index(2), new Uuid("GPU-8932f937"), new Index(0))),
        VisibleDevices.parse("2, GPU-8932f937,0", notes));
    assertEquals(List.of(), notes);
  }

  @Test
  void theListEndsAtTheFirstEntryThatNamesNoGpu() {
    assertEquals(Optional.of(List.of(new Index(1))), VisibleDevices.parse("1,-1,2", notes));
    assertTrue(notes.get(0).contains("'-1'"), notes.toString());
  }

  @Test
  void migInstancesAreRefusedBecauseTheirEnergyIsTheWholeGpus() {
    NvmlUnavailableException e =
        assertThrows(
            NvmlUnavailableException.class,
            () -> VisibleDevices.parse("MIG-4f6f0a05-6c8a-5c6b-9b6b-8d8f5b3c2a1e", notes));
    assertTrue(e.reason().contains("MIG"), e.reason());
  }
}
