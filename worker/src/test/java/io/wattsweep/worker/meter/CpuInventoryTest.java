package io.wattsweep.worker.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuInventoryTest {
  @Test
  void readsModelProcessorsPackagesAndTheHypervisorFlag() {
    List<String> lines =
        List.of(
            "processor\t: 0",
            "model name\t: AMD EPYC 7763 64-Core Processor",
            "physical id\t: 0",
            "flags\t\t: fpu vme hypervisor lahf_lm",
            "",
            "processor\t: 1",
            "model name\t: AMD EPYC 7763 64-Core Processor",
            "physical id\t: 1",
            "flags\t\t: fpu vme hypervisor lahf_lm",
            "");
    assertEquals(
        new CpuInventory("AMD EPYC 7763 64-Core Processor", 2, 2, true), CpuInventory.parse(lines));
  }

  @Test
  void bareMetalHasNoHypervisorFlag() {
    List<String> lines =
        List.of(
            "processor : 0", "model name : Intel(R) Xeon(R) Gold 6148", "flags : fpu hypervisorx");
    assertEquals(
        new CpuInventory("Intel(R) Xeon(R) Gold 6148", 1, 1, false), CpuInventory.parse(lines));
  }
}
