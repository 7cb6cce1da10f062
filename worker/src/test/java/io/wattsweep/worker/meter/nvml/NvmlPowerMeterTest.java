package io.wattsweep.worker.meter.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meter against a fake libnvidia-ml built from src/test/c/fake_nvml.c, through the real JNA
 * binding. Most tests run the fake on a manual clock that the meter shares, so energies are exact.
 */
class NvmlPowerMeterTest {
  /** The fake's extra exports, for steering it. */
  interface FakeNvml extends Library {
    int fakeNvmlConfigure(String spec);

    void fakeNvmlAdvanceMs(long ms);

    long fakeNvmlNowNanos();

    int fakeNvmlSetWatts(int index, double watts);

    int fakeNvmlInitCount();

    long fakeNvmlFieldReads();
  }

  private static final String UUID_0 = "GPU-fa4e0000-0000-4000-8000-000000000000";
  private static final String UUID_1 = "GPU-fa4e0001-0000-4000-8000-000000000001";
  private static final String UUID_3 = "GPU-fa4e0003-0000-4000-8000-000000000003";

  @TempDir static Path dir;
  private static Path library;
  private static FakeNvml fake;

  @BeforeAll
  static void buildFakeLibrary() throws Exception {
    Path source = Path.of(System.getProperty("basedir", "."), "src/test/c/fake_nvml.c");
    library = dir.resolve("libnvidia-ml.so");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-O1",
                "-Wall",
                "-Werror",
                "-o",
                library.toString(),
                source.toString(),
                "-lm")
            .redirectErrorStream(true)
            .start();
    String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, gcc.waitFor(), "gcc failed:\n" + output);
    fake = Native.load(library.toString(), FakeNvml.class);
  }

  @AfterEach
  void everyOpenIsMatchedByShutdown() {
    assertEquals(0, fake.fakeNvmlInitCount(), "nvmlInit_v2 calls left without nvmlShutdown");
  }

  private static void configure(String spec) {
    assertEquals(0, fake.fakeNvmlConfigure(spec), "fake spec: " + spec);
  }

  private static Map<String, String> env(String... keysAndValues) {
    Map<String, String> env = new HashMap<>();
    env.put(Nvml.LIBRARY_ENV, library.toString());
    for (int i = 0; i < keysAndValues.length; i += 2) {
      env.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return env;
  }

  /** Opens on the fake's manual clock, sampling every 20 ms where integration is needed. */
  private static NvmlPowerMeter open(int gpus, Map<String, String> env) {
    LongSupplier fakeClock = fake::fakeNvmlNowNanos;
    return NvmlPowerMeter.open(gpus, env, Duration.ofMillis(20), fakeClock);
  }

  @Test
  void energyOfTwoGpusIsTheSumOfTheirCounters() throws Exception {
    configure("gpus=2;watts=300,150");
    try (NvmlPowerMeter meter =
        NvmlPowerMeter.open(2, env(), Duration.ofMillis(100), System::nanoTime)) {
      assertEquals(EnergyMethod.NVML_ENERGY_COUNTER, meter.method());
      // The reads' own times bound the window, so a stall on a busy machine cannot fail this.
      long t0 = System.nanoTime();
      double before = meter.energyJoules();
      long t1 = System.nanoTime();
      Thread.sleep(600);
      long t2 = System.nanoTime();
      double after = meter.energyJoules();
      long t3 = System.nanoTime();

      double quantum = meter.resolutionJoules();
      assertEquals(45, quantum, 1e-9);
      double joules = after - before;
      assertTrue(joules >= 450 * (t2 - t1) / 1e9 - quantum, joules + " J in " + (t2 - t1));
      assertTrue(joules <= 450 * (t3 - t0) / 1e9 + quantum, joules + " J in " + (t3 - t0));
    }
  }

  @Test
  void counterEnergyIsQuantizedToItsTenthOfASecondTicks() {
    configure("gpus=2;watts=300,150;clock=manual");
    try (NvmlPowerMeter meter = open(2, env())) {
      assertEquals(0, meter.energyJoules(), 0);
      fake.fakeNvmlAdvanceMs(1000);
      assertEquals(450, meter.energyJoules(), 1e-9);
      fake.fakeNvmlAdvanceMs(50);
      assertEquals(450, meter.energyJoules(), 1e-9, "the counter has not ticked yet");
      fake.fakeNvmlAdvanceMs(50);
      assertEquals(495, meter.energyJoules(), 1e-9);
    }
  }

  @Test
  void counterUnsupportedFallsBackToInstantPowerIntegration() {
    // Only GPU 1 lacks the counter; both are then integrated, so one method covers the job.
    configure("gpus=2;watts=300,150;energy_unsupported=1;clock=manual");
    try (NvmlPowerMeter meter = open(2, env())) {
      assertEquals(EnergyMethod.NVML_INSTANT_POWER, meter.method());
      double start = meter.energyJoules();
      fake.fakeNvmlAdvanceMs(500);
      meter.energyJoules();
      fake.fakeNvmlSetWatts(0, 600);
      meter.energyJoules(); // the step in power, sampled at the moment it happens
      fake.fakeNvmlAdvanceMs(500);

      assertEquals(450 * 0.5 + 750 * 0.5, meter.energyJoules() - start, 1e-9);
      assertEquals(750, meter.powerWatts(), 1e-9);
    }
  }

  @Test
  void samplerThreadIntegratesWhileNobodyReads() throws Exception {
    configure("gpus=1;watts=200;energy_unsupported=all");
    try (NvmlPowerMeter meter =
        NvmlPowerMeter.open(1, env(), Duration.ofMillis(10), System::nanoTime)) {
      long reads = fake.fakeNvmlFieldReads();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (fake.fakeNvmlFieldReads() < reads + 5 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(fake.fakeNvmlFieldReads() >= reads + 5, "the sampler did not read power");
      assertTrue(meter.energyJoules() > 0);
    }
  }

  @Test
  void cudaVisibleDevicesPicksTheNamedGpus() {
    configure("gpus=4;watts=100,200,300,400;clock=manual");
    try (NvmlPowerMeter meter = open(2, env("CUDA_VISIBLE_DEVICES", "2,0"))) {
      assertEquals(List.of(2, 0), meter.devices().stream().map(DeviceInfo::index).toList());
      assertEquals(400, meter.powerWatts(), 1e-9);
      fake.fakeNvmlAdvanceMs(1000);
      assertEquals(400, meter.energyJoules(), 1e-9);
    }
    // A full UUID and a unique prefix of one, as CUDA accepts.
    try (NvmlPowerMeter meter = open(2, env("CUDA_VISIBLE_DEVICES", UUID_3 + ", GPU-fa4e0001"))) {
      assertEquals(
          List.of(UUID_3, UUID_1), meter.devices().stream().map(DeviceInfo::uuid).toList());
      assertEquals(List.of(3, 1), meter.devices().stream().map(DeviceInfo::index).toList());
      assertEquals(600, meter.powerWatts(), 1e-9);
    }
    // Unset: every GPU, in NVML's order.
    try (NvmlPowerMeter meter = open(1, env())) {
      assertEquals(UUID_0, meter.devices().get(0).uuid());
    }
  }

  @Test
  void fewerVisibleGpusThanAskedFailsWithAClearMessage() {
    configure("gpus=4;clock=manual");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> open(2, env("CUDA_VISIBLE_DEVICES", "1,bogus,3")));
    assertTrue(e.getMessage().contains("asks for 2 GPU(s) but 1 are visible"), e.getMessage());
    assertTrue(e.getMessage().contains("'bogus'"), e.getMessage());
    assertTrue(e.getMessage().contains("NVML sees 4"), e.getMessage());
  }

  @Test
  void lostGpuRaisesNvmlExceptionWithNvmlErrorString() {
    configure("gpus=2;watts=300,150;lost_after_ms=1000;clock=manual");
    try (NvmlPowerMeter meter = open(2, env())) {
      fake.fakeNvmlAdvanceMs(1000);
      NvmlException e = assertThrows(NvmlException.class, meter::energyJoules);
      assertEquals(Nvml.ERROR_GPU_IS_LOST, e.returnCode());
      assertEquals("GPU is lost", e.errorString());
      assertTrue(e.getMessage().contains("GPU is lost"), e.getMessage());
      assertTrue(e.getMessage().contains("GPU 0 (" + UUID_0 + ")"), e.getMessage());
    }
  }

  @Test
  void lostGpuWhileIntegratingRaisesOnEveryLaterRead() {
    configure("gpus=1;watts=300;energy_unsupported=all;lost_after_ms=1000;clock=manual");
    try (NvmlPowerMeter meter = open(1, env())) {
      fake.fakeNvmlAdvanceMs(1000);
      assertEquals(
          Nvml.ERROR_GPU_IS_LOST,
          assertThrows(NvmlException.class, meter::energyJoules).returnCode());
      assertEquals(
          Nvml.ERROR_GPU_IS_LOST,
          assertThrows(NvmlException.class, meter::energyJoules).returnCode());
    }
  }

  @Test
  void missingLibraryIsReportedAsUnavailable() {
    String absent = dir.resolve("absent/libnvidia-ml.so").toString();
    Map<String, String> env = Map.of(Nvml.LIBRARY_ENV, absent);
    NvmlUnavailableException e =
        assertThrows(NvmlUnavailableException.class, () -> NvmlPowerMeter.open(1, env));
    assertTrue(e.reason().contains("cannot be loaded"), e.reason());
    assertTrue(e.reason().contains(absent), e.reason());
  }

  @Test
  void initFailureIsReportedAsUnavailableWithNvmlsReason() {
    configure("init_fail=1");
    NvmlUnavailableException e = assertThrows(NvmlUnavailableException.class, () -> open(1, env()));
    assertTrue(e.reason().contains("Driver Not Loaded"), e.reason());
  }

  @Test
  void gpuWithNeitherCounterNorInstantPowerIsUnavailable() {
    configure("gpus=2;energy_unsupported=all;instant_unsupported=1;clock=manual");
    NvmlUnavailableException e = assertThrows(NvmlUnavailableException.class, () -> open(2, env()));
    assertTrue(e.reason().contains("GPU 1 (" + UUID_1 + ") supports neither"), e.reason());
  }

  @Test
  void devicesReportNameUuidArchitectureAndPowerLimit() {
    configure(
        "gpus=2;name=NVIDIA A100-SXM4-80GB;arch=7;limit_watts=400;driver=535.104.05;"
            + "clock=manual");
    try (NvmlPowerMeter meter = open(2, env())) {
      assertEquals(
          List.of(
              new DeviceInfo(
                  0, "gpu", UUID_0, "NVIDIA A100-SXM4-80GB", "ampere", 400, "535.104.05"),
              new DeviceInfo(
                  1, "gpu", UUID_1, "NVIDIA A100-SXM4-80GB", "ampere", 400, "535.104.05")),
          meter.devices());
    }
    configure("gpus=1;clock=manual");
    try (NvmlPowerMeter meter = open(1, env())) {
      assertEquals("hopper", meter.devices().get(0).architecture());
      assertEquals("NVIDIA H200", meter.devices().get(0).name());
      assertEquals(700, meter.devices().get(0).powerLimitWatts(), 0);
    }
  }

  @Test
  void powerIsInstantNotTheOneSecondAverage() {
    configure("gpus=1;watts=300;clock=manual");
    try (NvmlPowerMeter meter = open(1, env())) {
      fake.fakeNvmlAdvanceMs(2000);
      fake.fakeNvmlSetWatts(0, 600);
      fake.fakeNvmlAdvanceMs(100);
      assertEquals(600, meter.powerWatts(), 1e-9);
      assertEquals(60, meter.resolutionJoules(), 1e-9);
    }
    // Without the instant field, the chart shows the average; energy still uses the counter.
    configure("gpus=1;watts=300;instant_unsupported=all;clock=manual");
    try (NvmlPowerMeter meter = open(1, env())) {
      assertEquals(EnergyMethod.NVML_ENERGY_COUNTER, meter.method());
      fake.fakeNvmlAdvanceMs(2000);
      fake.fakeNvmlSetWatts(0, 600);
      fake.fakeNvmlAdvanceMs(100);
      assertEquals(0.1 * 600 + 0.9 * 300, meter.powerWatts(), 1e-9);
    }
  }

  @Test
  void readingsReportUtilizationMemoryTemperatureAndClock() {
    configure("gpus=2;watts=250,120;clock=manual");
    try (NvmlPowerMeter meter = open(2, env())) {
      assertEquals(
          List.of(
              new GpuReading(0, UUID_0, 250, 90, 40, 1L << 30, 150754820096L, 45, 1980),
              new GpuReading(1, UUID_1, 120, 91, 41, 2L << 30, 150754820096L, 46, 1980)),
          meter.readings());
    }
  }

  @Test
  void closeShutsNvmlDownAndLaterReadsFail() {
    configure("gpus=1;energy_unsupported=all;clock=manual");
    NvmlPowerMeter meter = open(1, env());
    assertEquals(1, fake.fakeNvmlInitCount());
    meter.close();
    meter.close();
    assertEquals(0, fake.fakeNvmlInitCount());
    assertThrows(IllegalStateException.class, meter::energyJoules);
    assertThrows(IllegalStateException.class, meter::powerWatts);
  }

  @Test
  void fieldValueHasTheLayoutOfNvmlHeader() {
    assertEquals(40, new NvmlFieldValue().size());
  }
}
