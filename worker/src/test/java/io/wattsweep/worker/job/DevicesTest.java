package io.wattsweep.worker.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {
  @Test
  void jobsTakeTheFirstFreeGpusAndGiveThemBack() {
    var devices = new Devices(List.of("3", "5", "6", "7"));

    assertEquals(List.of("3"), devices.take(1));
    assertEquals(List.of("5", "6"), devices.take(2));
    assertFalse(devices.fitsNow(2));
    assertTrue(devices.fits(4));
    assertFalse(devices.fits(5), "wider than the worker");
    devices.give(List.of("3"));
    assertEquals(List.of("3", "7"), devices.take(2));
    assertTrue(devices.full());
    assertThrows(IllegalStateException.class, () -> devices.take(1));
  }

  @Test
  void aWorkerWithoutListedGpusRunsAnyJobOneAtATime() {
    var devices = new Devices(List.of());

    assertTrue(devices.fits(8));
    assertEquals(List.of(), devices.take(8));
    assertTrue(devices.full());
    assertFalse(devices.fitsNow(1));
    devices.give(List.of());
    assertTrue(devices.fitsNow(1));
  }
}
