package io.wattsweep.worker.meter;

import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.meter.nvml.NvmlPowerMeter;
import io.wattsweep.worker.meter.nvml.NvmlUnavailableException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the meter of a job: NVML's energy counters on a GPU worker where {@code libnvidia-ml}
 * loads, else the CPU estimate, which says it is one.
 */
public final class PowerMeters {
  private static final Logger LOG = LoggerFactory.getLogger(PowerMeters.class);

  private PowerMeters() {}

  public static PowerMeter open(int gpus, WorkerConfig config, Map<String, String> env) {
    if (!"cpu".equals(config.gpuClass())) {
      try {
        return NvmlPowerMeter.open(gpus, env);
      } catch (NvmlUnavailableException e) {
        LOG.warn("NVML is not available ({}); energy falls back to a TDP-based CPU estimate",
            e.getMessage());
      }
    }
    return new CpuTdpEstimateMeter(config.cpuTdpWatts(), config.cpuIdleFraction(),
        Path.of("/proc/stat"), System::nanoTime);
  }
}
