package io.wattsweep.worker.meter;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.worker.meter.nvml.NvmlPowerMeter;
import io.wattsweep.worker.meter.nvml.NvmlUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several GPUs, each metered by its own one-GPU {@link NvmlPowerMeter}, so that each GPU's energy
 * can be told apart: the meter command reports per GPU and in total. Each GPU uses its energy
 * counter where it has one, else its integrated instant power; where the GPUs differ, the total is
 * labelled {@link EnergyMethod#NVML_INSTANT_POWER} and {@link #methods()} tells which.
 */
public final class PerGpuNvmlMeter implements DeviceEnergyMeter {
  private static final Logger LOG = LoggerFactory.getLogger(PerGpuNvmlMeter.class);

  /** More GPUs than any node has: where probing stops at the latest. */
  private static final int MAX_PROBED_GPUS = 64;

  private final List<NvmlPowerMeter> gpus;
  private final List<DeviceInfo> devices;
  private final EnergyMethod method;

  private PerGpuNvmlMeter(List<NvmlPowerMeter> gpus) {
    this.gpus = List.copyOf(gpus);
    this.devices = gpus.stream().map(g -> g.devices().get(0)).toList();
    Set<EnergyMethod> methods = new HashSet<>(methods());
    this.method = methods.size() == 1 ? methods.iterator().next() : EnergyMethod.NVML_INSTANT_POWER;
    if (methods.size() > 1) {
      LOG.warn(
          "GPUs differ in how NVML measures them ({}): the total is labelled {}",
          methods(),
          method);
    }
  }

  /**
   * Opens the listed GPUs, each as CUDA would see it alone in {@code CUDA_VISIBLE_DEVICES}.
   *
   * @param gpus indexes or GPU UUIDs (a unique prefix will do), as {@code CUDA_VISIBLE_DEVICES}
   *     takes them
   * @param env the environment the NVML library is looked up in ({@code WATTSWEEP_NVML_LIBRARY})
   * @param samplePeriod how often instant power is integrated where a GPU has no energy counter
   * @throws NvmlUnavailableException if NVML cannot be used
   * @throws IllegalArgumentException if an entry names no GPU, or two name the same GPU
   */
  public static PerGpuNvmlMeter open(
      List<String> gpus, Map<String, String> env, Duration samplePeriod) {
    if (gpus.isEmpty()) {
      throw new IllegalArgumentException("gpus must name at least one GPU: " + gpus);
    }
    List<NvmlPowerMeter> opened = new ArrayList<>();
    try {
      Set<String> uuids = new HashSet<>();
      for (String gpu : gpus) {
        NvmlPowerMeter meter;
        try {
          meter = openOne(gpu, env, samplePeriod);
        } catch (IllegalStateException e) {
          throw new IllegalArgumentException(
              "GPU '" + gpu + "' cannot be metered: " + e.getMessage(), e);
        }
        opened.add(meter);
        if (!uuids.add(meter.devices().get(0).uuid())) {
          throw new IllegalArgumentException(
              "GPU '"
                  + gpu
                  + "' is named twice (it is "
                  + meter.devices().get(0).uuid()
                  + "); each GPU is metered once");
        }
      }
      return new PerGpuNvmlMeter(opened);
    } catch (RuntimeException e) {
      opened.forEach(NvmlPowerMeter::close);
      throw e;
    }
  }

  /**
   * Opens every GPU on the node, by index from 0 until one does not exist.
   *
   * @throws NvmlUnavailableException if NVML cannot be used or sees no GPU
   */
  public static PerGpuNvmlMeter openAll(Map<String, String> env, Duration samplePeriod) {
    List<NvmlPowerMeter> opened = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_PROBED_GPUS; i++) {
        try {
          opened.add(openOne(Integer.toString(i), env, samplePeriod));
        } catch (IllegalStateException e) {
          break; // index i is past the last GPU
        }
      }
      if (opened.isEmpty()) {
        throw new NvmlUnavailableException("NVML loads but sees no GPU");
      }
      return new PerGpuNvmlMeter(opened);
    } catch (RuntimeException e) {
      opened.forEach(NvmlPowerMeter::close);
      throw e;
    }
  }

  private static NvmlPowerMeter openOne(String gpu, Map<String, String> env, Duration period) {
    Map<String, String> alone = new HashMap<>(env);
    alone.put("CUDA_VISIBLE_DEVICES", gpu.strip());
    return NvmlPowerMeter.open(1, alone, period, System::nanoTime);
  }

  /** Each GPU's method, in the order of {@link #devices()}. */
  public List<EnergyMethod> methods() {
    return gpus.stream().map(NvmlPowerMeter::method).toList();
  }

  @Override
  public EnergyMethod method() {
    return method;
  }

  @Override
  public List<DeviceInfo> devices() {
    return devices;
  }

  @Override
  public double energyJoules() {
    double joules = 0;
    for (NvmlPowerMeter gpu : gpus) {
      joules += gpu.energyJoules();
    }
    return joules;
  }

  @Override
  public List<Double> deviceEnergiesJoules() {
    return gpus.stream().map(NvmlPowerMeter::energyJoules).toList();
  }

  @Override
  public double powerWatts() {
    double watts = 0;
    for (NvmlPowerMeter gpu : gpus) {
      watts += gpu.powerWatts();
    }
    return watts;
  }

  /** The sum of the GPUs' quanta: each GPU's counter ticks on its own. */
  @Override
  public double resolutionJoules() {
    double joules = 0;
    for (NvmlPowerMeter gpu : gpus) {
      joules += gpu.resolutionJoules();
    }
    return joules;
  }

  @Override
  public void close() {
    gpus.forEach(NvmlPowerMeter::close);
  }
}
