package io.wattsweep.worker.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RAPL over a fake powercap tree laid out as the kernel lays out /sys/class/powercap. */
class RaplMeterTest {
  private static final long RANGE_UJ = 262_143_328_850L;

  @TempDir Path root;
  private final AtomicLong nanos = new AtomicLong();

  private Path zone(String dir, String name, long energyUj, long rangeUj) throws IOException {
    Path zone = Files.createDirectories(root.resolve(dir));
    Files.writeString(zone.resolve("name"), name + "\n");
    Files.writeString(zone.resolve("energy_uj"), energyUj + "\n");
    Files.writeString(zone.resolve("max_energy_range_uj"), rangeUj + "\n");
    return zone;
  }

  private void set(String dir, long energyUj) throws IOException {
    Files.writeString(root.resolve(dir).resolve("energy_uj"), energyUj + "\n");
  }

  private RaplMeter open() {
    return RaplMeter.open(root, nanos::get, Files::readString, "Test CPU");
  }

  /** A two-socket server: packages, their sub-zones, an MMIO duplicate and a platform zone. */
  private void twoSocketTree() throws IOException {
    Files.createDirectories(root.resolve("intel-rapl")); // the control type, not a zone
    zone("intel-rapl:0", "package-0", 1_000_000, RANGE_UJ);
    zone("intel-rapl:0:0", "core", 5_000, RANGE_UJ);
    zone("intel-rapl:0:1", "dram", 7_000, RANGE_UJ);
    zone("intel-rapl:1", "package-1", 2_000_000, RANGE_UJ);
    zone("intel-rapl:1:0", "core", 9_000, RANGE_UJ);
    zone("intel-rapl-mmio:0", "package-0", 3_000_000, RANGE_UJ);
    zone("intel-rapl:2", "psys", 4_000_000, RANGE_UJ);
    Files.writeString(root.resolve("intel-rapl:0/constraint_0_power_limit_uw"), "280000000\n");
  }

  @Test
  void energyIsTheSumOfThePackageZonesOnly() throws IOException {
    twoSocketTree();
    try (RaplMeter meter = open()) {
      assertEquals(EnergyMethod.RAPL, meter.method());
      assertEquals(
          List.of(
              new DeviceInfo(
                  0,
                  "cpu",
                  "intel-rapl:0",
                  "Test CPU",
                  System.getProperty("os.arch"),
                  280,
                  "intel-rapl"),
              new DeviceInfo(
                  1,
                  "cpu",
                  "intel-rapl:1",
                  "Test CPU",
                  System.getProperty("os.arch"),
                  0,
                  "intel-rapl")),
          meter.devices());
      assertEquals(0, meter.energyJoules(), 0);

      set("intel-rapl:0", 1_000_000 + 30_000_000); // 30 J
      set("intel-rapl:1", 2_000_000 + 12_500_000); // 12.5 J
      set("intel-rapl:0:0", 999_999_999); // a sub-zone: already inside package-0
      set("intel-rapl-mmio:0", 999_999_999); // package-0 again
      set("intel-rapl:2", 999_999_999); // the platform, not a package

      assertEquals(42.5, meter.energyJoules(), 1e-9);
      assertEquals(List.of(30.0, 12.5), meter.deviceEnergiesJoules());
    }
  }

  @Test
  void counterWrapIsAddedBack() throws IOException {
    zone("intel-rapl:0", "package-0", 999_000, 1_000_000);
    try (RaplMeter meter = open()) {
      set("intel-rapl:0", 500); // wrapped: 1000 uJ up to the range, 500 after it
      assertEquals(0.0015, meter.energyJoules(), 1e-12);
      assertEquals(1, meter.wraps());
      set("intel-rapl:0", 2_500);
      assertEquals(0.0035, meter.energyJoules(), 1e-12);
      set("intel-rapl:0", 1_500); // a second wrap, read by the power path
      meter.powerWatts();
      assertEquals(0.0035 + 0.999, meter.energyJoules(), 1e-12);
      assertEquals(2, meter.wraps());
    }
  }

  @Test
  void powerIsTheCounterSlopeAndSetsTheQuantum() throws IOException {
    zone("intel-rapl:0", "package-0", 0, RANGE_UJ);
    zone("intel-rapl:1", "package-1", 0, RANGE_UJ);
    try (RaplMeter meter = open()) {
      assertEquals(2e-6, meter.resolutionJoules(), 1e-15, "1 uJ per package before any power");
      nanos.addAndGet(1_000_000_000L);
      set("intel-rapl:0", 80_000_000);
      set("intel-rapl:1", 40_000_000);
      assertEquals(120, meter.powerWatts(), 1e-9);
      assertEquals(0.12, meter.resolutionJoules(), 1e-12, "power x 1 ms refresh");
      nanos.addAndGet(5_000_000); // under the 10 ms minimum: the last slope stands
      set("intel-rapl:0", 90_000_000);
      assertEquals(120, meter.powerWatts(), 1e-9);
    }
  }

  @Test
  void missingEnergyFileMakesItUnavailable() throws IOException {
    Path zone = zone("intel-rapl:0", "package-0", 0, RANGE_UJ);
    zone("intel-rapl:1", "package-1", 0, RANGE_UJ);
    Files.delete(zone.resolve("energy_uj"));
    MeterUnavailableException e = assertThrows(MeterUnavailableException.class, this::open);
    assertTrue(e.reason().contains("intel-rapl:0/energy_uj is missing"), e.reason());
  }

  @Test
  void energyReadableOnlyByRootMakesItUnavailableAndSaysWhy() throws IOException {
    zone("intel-rapl:0", "package-0", 0, RANGE_UJ);
    zone("intel-rapl:1", "package-1", 0, RANGE_UJ);
    // As the kernel answers a user other than root since Linux 5.10.
    RaplMeter.SysFs rootOnly =
        file -> {
          if (file.endsWith("energy_uj") && file.toString().contains("intel-rapl:1")) {
            throw new AccessDeniedException(file.toString());
          }
          return Files.readString(file);
        };
    MeterUnavailableException e =
        assertThrows(
            MeterUnavailableException.class,
            () -> RaplMeter.open(root, nanos::get, rootOnly, "Test CPU"));
    assertTrue(e.reason().contains("intel-rapl:1/energy_uj is not readable by user"), e.reason());
    assertTrue(e.reason().contains("only root may read RAPL energy"), e.reason());
  }

  @Test
  void energyWithoutReadPermissionMakesItUnavailable() throws IOException {
    Path zone = zone("intel-rapl:0", "package-0", 0, RANGE_UJ);
    Path energy = zone.resolve("energy_uj");
    Files.setPosixFilePermissions(energy, PosixFilePermissions.fromString("-w-------"));
    assumeFalse(Files.isReadable(energy), "root reads any file: covered by the injected case");
    MeterUnavailableException e =
        assertThrows(MeterUnavailableException.class, () -> RaplMeter.open(root, nanos::get));
    assertTrue(e.reason().contains("not readable by user"), e.reason());
  }

  @Test
  void noPowercapDirectoryMakesItUnavailable() {
    Path absent = root.resolve("absent");
    MeterUnavailableException e =
        assertThrows(MeterUnavailableException.class, () -> RaplMeter.open(absent, nanos::get));
    assertTrue(e.reason().contains(absent + " does not exist"), e.reason());
  }

  @Test
  void noPackageZoneMakesItUnavailable() throws IOException {
    zone("intel-rapl:0", "psys", 0, RANGE_UJ);
    MeterUnavailableException e = assertThrows(MeterUnavailableException.class, this::open);
    assertTrue(e.reason().contains("no RAPL package zone"), e.reason());
    assertTrue(e.reason().contains("intel-rapl:0 (psys)"), e.reason());
  }

  @Test
  void mmioZoneCountsWhereItIsTheOnlyOne() throws IOException {
    zone("intel-rapl-mmio:0", "package-0", 0, RANGE_UJ);
    try (RaplMeter meter = open()) {
      set("intel-rapl-mmio:0", 2_000_000);
      assertEquals(2, meter.energyJoules(), 1e-12);
      assertEquals("intel-rapl-mmio", meter.devices().get(0).driver());
    }
  }
}
