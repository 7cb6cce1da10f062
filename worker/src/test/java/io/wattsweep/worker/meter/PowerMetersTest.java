package io.wattsweep.worker.meter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.meter.nvml.NvmlPowerMeter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choice of meter: NVML on a GPU worker, else RAPL, else the labelled TDP estimate. */
class PowerMetersTest {
  @TempDir static Path dir;
  private static FakeNvmlLibrary nvml;
  private static Path powercap;

  @BeforeAll
  static void setUp() throws Exception {
    nvml = FakeNvmlLibrary.build(dir);
    powercap = Files.createDirectories(dir.resolve("powercap/intel-rapl:0"));
    Files.writeString(powercap.resolve("name"), "package-0\n");
    Files.writeString(powercap.resolve("energy_uj"), "123\n");
    Files.writeString(powercap.resolve("max_energy_range_uj"), "262143328850\n");
  }

  private static Map<String, String> env(String... keysAndValues) {
    Map<String, String> env = new HashMap<>();
    env.put("WATTSWEEP_POWERCAP_ROOT", dir.resolve("powercap").toString());
    env.put("WATTSWEEP_NVML_LIBRARY", dir.resolve("absent/libnvidia-ml.so").toString());
    for (int i = 0; i < keysAndValues.length; i += 2) {
      env.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return env;
  }

  private static PowerMeter open(Map<String, String> env) {
    return PowerMeters.open(1, WorkerConfig.fromEnv(env), env);
  }

  @Test
  void gpuWorkerUsesNvml() {
    nvml.configure("gpus=1;watts=300");
    Map<String, String> env =
        env("WATTSWEEP_GPU_CLASS", "h200", "WATTSWEEP_NVML_LIBRARY", nvml.file().toString());
    try (PowerMeter meter = open(env)) {
      assertInstanceOf(NvmlPowerMeter.class, meter);
      assertEquals(EnergyMethod.NVML_ENERGY_COUNTER, meter.method());
    }
  }

  @Test
  void gpuWorkerWithoutNvmlRefusesToReportTheCpuInstead() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            MeterUnavailableException.class, () -> open(env("WATTSWEEP_GPU_CLASS", "h200")));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith("GPU class h200 needs NVML to meter its GPUs"), e.getMessage());
  }

  @Test
  void cpuWorkerUsesRaplWhereReadable() {
    try (PowerMeter meter = open(env())) {
      assertInstanceOf(RaplMeter.class, meter);
      assertEquals("intel-rapl:0", meter.devices().get(0).uuid());
    }
  }

  @Test
  void withoutRaplTheEstimateSaysWhyAndWhatItRestsOn() throws IOException {
    Map<String, String> env =
        env(
            "WATTSWEEP_POWERCAP_ROOT",
            dir.resolve("absent").toString(),
            "WATTSWEEP_CPU_TDP_WATTS",
            "120");
    PowerMeters.Choice choice = PowerMeters.openCpu(WorkerConfig.fromEnv(env));
    try (PowerMeter meter = choice.meter()) {
      assertEquals(EnergyMethod.TDP_ESTIMATE, meter.method());
      assertEquals(120, meter.devices().get(0).powerLimitWatts(), 0);
    }
    assertTrue(choice.why().startsWith("not a measurement"), choice.why());
    assertTrue(choice.why().contains("TDP 120 W from WATTSWEEP_CPU_TDP_WATTS"), choice.why());
    assertTrue(choice.why().contains("RAPL is not available"), choice.why());
    assertTrue(choice.why().contains("does not exist"), choice.why());
  }

  @Test
  void withoutTdpSettingTheEstimateUsesTheTableOrTenWattsPerCore() {
    WorkerConfig config =
        WorkerConfig.fromEnv(env("WATTSWEEP_POWERCAP_ROOT", dir.resolve("absent").toString()));
    CpuInventory epyc = new CpuInventory("AMD EPYC 7543 32-Core Processor", 64, 1, false);
    PowerMeters.Choice table = PowerMeters.openCpu(config, epyc, 64);
    table.meter().close();
    assertEquals(225, table.meter().devices().get(0).powerLimitWatts(), 0);
    assertTrue(table.why().contains("from the CPU table"), table.why());

    CpuInventory unknown = new CpuInventory("Some CPU", 4, 1, false);
    PowerMeters.Choice guess = PowerMeters.openCpu(config, unknown, 4);
    guess.meter().close();
    assertEquals(40, guess.meter().devices().get(0).powerLimitWatts(), 0);
    assertTrue(guess.why().contains("10 W per core x 4 cores"), guess.why());
  }

  @Test
  void longReasonsAreCutToTheirFirstLine() {
    assertEquals("cannot load ...", PowerMeters.brief("cannot load\nclass path: /a:/b:/c"));
    assertEquals("short", PowerMeters.brief("short"));
    assertEquals(204, PowerMeters.brief("x".repeat(500)).length());
  }
}
