package io.wattsweep.worker.meter.bench;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.worker.meter.CpuTdpEstimateMeter;
import io.wattsweep.worker.meter.FakeNvmlLibrary;
import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.meter.RaplMeter;
import io.wattsweep.worker.meter.nvml.NvmlPowerMeter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The meters the benchmarks sample, by name: what this machine has, and fakes of the others. */
final class BenchMeters {
  private BenchMeters() {}

  /**
   * Opens a meter.
   *
   * @param name {@code none} (a meter that reads nothing: the sampler thread's own cost), {@code
   *     tdp} (the estimate over this machine's /proc/stat), {@code nvml-fake-N} (NvmlPowerMeter
   *     over the fake libnvidia-ml with N GPUs, energy counter), {@code nvml-N} (the system's NVML,
   *     the first N GPUs this process may use: on a GPU machine), or {@code rapl-fake} (RaplMeter
   *     over a powercap tree of two packages in a temporary directory)
   */
  static PowerMeter open(String name, Path scratch) throws IOException, InterruptedException {
    if (name.equals("none")) {
      return new ConstantMeter();
    }
    if (name.equals("tdp")) {
      return new CpuTdpEstimateMeter(20, 0.3, Path.of("/proc/stat"), System::nanoTime);
    }
    if (name.startsWith("nvml-fake-")) {
      int gpus = Integer.parseInt(name.substring("nvml-fake-".length()));
      FakeNvmlLibrary fake = FakeNvmlLibrary.build(Files.createTempDirectory(scratch, "nvml"));
      fake.configure("gpus=" + gpus + ";watts=300");
      return NvmlPowerMeter.open(
          gpus,
          Map.of("WATTSWEEP_NVML_LIBRARY", fake.file().toString()),
          Duration.ofMillis(100),
          System::nanoTime);
    }
    if (name.matches("nvml-[0-9]+")) {
      int gpus = Integer.parseInt(name.substring("nvml-".length()));
      return NvmlPowerMeter.open(gpus, System.getenv());
    }
    if (name.equals("rapl-fake")) {
      Path root = Files.createTempDirectory(scratch, "powercap");
      for (int i = 0; i < 2; i++) {
        Path zone = Files.createDirectories(root.resolve("intel-rapl:" + i));
        Files.writeString(zone.resolve("name"), "package-" + i + "\n");
        Files.writeString(zone.resolve("energy_uj"), "1000\n");
        Files.writeString(zone.resolve("max_energy_range_uj"), "262143328850\n");
      }
      return RaplMeter.open(root, System::nanoTime);
    }
    throw new IllegalArgumentException(
        "meter must be none, tdp, nvml-fake-N, nvml-N or rapl-fake: " + name);
  }

  /** Reads no hardware: what is left is the sampler's own wake-ups. */
  private static final class ConstantMeter implements PowerMeter {
    @Override
    public EnergyMethod method() {
      return EnergyMethod.TDP_ESTIMATE;
    }

    @Override
    public List<DeviceInfo> devices() {
      return List.of();
    }

    @Override
    public double energyJoules() {
      return 0;
    }

    @Override
    public double powerWatts() {
      return 100;
    }

    @Override
    public double resolutionJoules() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
