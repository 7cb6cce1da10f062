package io.wattsweep.worker.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.worker.meter.CpuTdp.Source;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CpuTdpTest {
  private static CpuInventory bareMetal(String model, int cpus, int packages) {
    return new CpuInventory(model, cpus, packages, false);
  }

  private static double tableWatts(String model) {
    CpuTdp tdp = CpuTdp.resolve(OptionalDouble.empty(), bareMetal(model, 2, 1), 2);
    assertEquals(Source.TABLE, tdp.source(), tdp.basis());
    return tdp.watts();
  }

  @Test
  void tableCoversCommonServerCpusEachWithItsSource() {
    List<CpuTdp.Row> rows = CpuTdp.table();
    assertTrue(rows.size() >= 24, "rows: " + rows.size());
    for (CpuTdp.Row row : rows) {
      assertTrue(
          row.source().startsWith("amd.com") || row.source().startsWith("ark.intel.com"),
          row.pattern() + " cites " + row.source());
      assertTrue(row.packageWatts() >= 100 && row.packageWatts() <= 500, row.toString());
    }
  }

  @Test
  void modelNamesAsTheKernelPrintsThemMatchTheirRow() {
    assertEquals(280, tableWatts("AMD EPYC 7763 64-Core Processor"));
    assertEquals(225, tableWatts("AMD EPYC 7742 64-Core Processor"));
    assertEquals(360, tableWatts("AMD EPYC 9654 96-Core Processor"));
    assertEquals(270, tableWatts("Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz"));
    assertEquals(350, tableWatts("Intel(R) Xeon(R) Platinum 8480+"));
    assertEquals(350, tableWatts("Intel(R) Xeon(R) Platinum 8480C"));
    assertEquals(135, tableWatts("Intel(R) Xeon(R) CPU E5-2698 v4 @ 2.20GHz"));
    assertEquals(500, tableWatts("Intel(R) Xeon(R) 6980P"));
    // A longer model number is not taken for its prefix.
    assertEquals(205, tableWatts("Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz"));
    assertEquals(150, tableWatts("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz"));
  }

  @Test
  void bareMetalCountsEveryPackage() {
    CpuTdp tdp =
        CpuTdp.resolve(
            OptionalDouble.empty(), bareMetal("AMD EPYC 7763 64-Core Processor", 256, 2), 256);
    assertEquals(560, tdp.watts(), 1e-9);
    assertTrue(tdp.basis().contains("x 2 package(s)"), tdp.basis());
    assertTrue(tdp.basis().contains("amd.com"), tdp.basis());
  }

  @Test
  void virtualMachineGetsItsShareOfThePackage() {
    CpuTdp tdp =
        CpuTdp.resolve(
            OptionalDouble.empty(),
            new CpuInventory("AMD EPYC 7763 64-Core Processor", 8, 1, true),
            8);
    assertEquals(280.0 * 8 / 128, tdp.watts(), 1e-9);
    assertTrue(tdp.basis().contains("8/128 threads"), tdp.basis());
  }

  @Test
  void unknownModelFallsBackToTenWattsPerCoreAndSaysSo() {
    CpuTdp tdp = CpuTdp.resolve(OptionalDouble.empty(), bareMetal("AMD EPYC", 2, 1), 2);
    assertEquals(Source.PER_CORE_FALLBACK, tdp.source());
    assertEquals(20, tdp.watts(), 0);
    assertTrue(tdp.basis().contains("10 W per core x 2 cores"), tdp.basis());
    assertTrue(tdp.basis().contains("'AMD EPYC' is not in the TDP table"), tdp.basis());
  }

  @Test
  void configuredTdpWins() {
    CpuTdp tdp =
        CpuTdp.resolve(
            OptionalDouble.of(95), bareMetal("AMD EPYC 7763 64-Core Processor", 128, 1), 128);
    assertEquals(new CpuTdp(95, Source.CONFIGURED, "TDP 95 W from WATTSWEEP_CPU_TDP_WATTS"), tdp);
  }

  @Test
  void malformedTableLineIsRejectedWithItsNumber() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CpuTdp.parse(List.of("# comment", "EPYC 1234 | lots | 8")));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertFalse(CpuTdp.parse(List.of("EPYC 1\\b | 100 | 8 # somewhere")).isEmpty());
  }
}
