package io.wattsweep.worker.metrics;

import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.worker.meter.PowerMeters;
import io.wattsweep.worker.meter.nvml.GpuReading;
import io.wattsweep.worker.meter.nvml.NvmlPowerMeter;
import io.wattsweep.worker.meter.nvml.NvmlUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every GPU this worker may use through NVML, in the worker's own process, about once a
 * second whether or not a job runs, into {@link WorkerMetrics}: power, the energy counter's gain,
 * utilization, memory, temperature and SM clock. Each GPU has its own one-GPU meter, so each GPU's
 * energy is its own. A GPU that fails to read is logged once and skipped.
 */
public final class GpuSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GpuSampler.class);

  /** How often the GPUs are read: NVML calls cost about 2 ms each, so not more. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** More GPUs than any node has: where probing stops at the latest. */
  private static final int MAX_PROBED_GPUS = 64;

  private static final String VISIBLE = "CUDA_VISIBLE_DEVICES";

  private final List<NvmlPowerMeter> gpus;
  private final WorkerMetrics metrics;
  private final double[] lastJoules;
  private final boolean[] failing;
  private final ScheduledExecutorService timer;

  private GpuSampler(List<NvmlPowerMeter> gpus, WorkerMetrics metrics) {
    this.gpus = gpus;
    this.metrics = metrics;
    this.lastJoules = new double[gpus.size()];
    this.failing = new boolean[gpus.size()];
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gpu-metrics-sampler");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens NVML on the GPUs named by {@code CUDA_VISIBLE_DEVICES} in {@code env}, else on every GPU
   * of the node, and starts sampling. Blocking. Empty where NVML cannot be used: the caller keeps
   * the device metrics that the runs' own events give.
   */
  public static Optional<GpuSampler> start(
      Map<String, String> env, WorkerMetrics metrics, Duration interval) {
    List<NvmlPowerMeter> opened = new ArrayList<>();
    try {
      for (String gpu : gpusOf(env)) {
        Map<String, String> alone = new HashMap<>(env);
        alone.put(VISIBLE, gpu);
        try {
          opened.add(NvmlPowerMeter.open(1, alone));
        } catch (IllegalStateException e) {
          break; // past the last GPU
        }
      }
    } catch (NvmlUnavailableException e) {
      opened.forEach(NvmlPowerMeter::close);
      LOG.warn(
          "GPU metrics: NVML is not available ({}); device metrics come from the runs'"
              + " power samples instead",
          PowerMeters.brief(e.reason()));
      return Optional.empty();
    }
    if (opened.isEmpty()) {
      LOG.warn("GPU metrics: NVML sees no GPU; device metrics come from the runs' power samples");
      return Optional.empty();
    }
    var sampler = new GpuSampler(List.copyOf(opened), metrics);
    for (int i = 0; i < opened.size(); i++) {
      sampler.lastJoules[i] = opened.get(i).energyJoules();
    }
    metrics.nvmlSampling(true);
    sampler.timer.scheduleAtFixedRate(
        sampler::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info(
        "GPU metrics: sampling {} GPU(s) every {} ms: {}",
        opened.size(),
        interval.toMillis(),
        opened.stream()
            .map(m -> m.devices().get(0))
            .map(d -> d.index() + " " + d.name() + " (" + d.uuid() + ")")
            .toList());
    return Optional.of(sampler);
  }

  private static List<String> gpusOf(Map<String, String> env) {
    String visible = env.get(VISIBLE);
    if (visible != null && !visible.isBlank()) {
      return Arrays.stream(visible.split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .toList();
    }
    var all = new ArrayList<String>();
    for (int i = 0; i < MAX_PROBED_GPUS; i++) {
      all.add(Integer.toString(i));
    }
    return all;
  }

  private void sample() {
    for (int i = 0; i < gpus.size(); i++) {
      NvmlPowerMeter gpu = gpus.get(i);
      DeviceInfo device = gpu.devices().get(0);
      try {
        GpuReading reading = gpu.readings().get(0);
        double joules = gpu.energyJoules();
        metrics.gpuSample(device, reading, joules - lastJoules[i], gpu.method().wireName());
        lastJoules[i] = joules;
        if (failing[i]) {
          LOG.info("GPU metrics: GPU {} reads again", device.index());
          failing[i] = false;
        }
      } catch (RuntimeException e) {
        if (!failing[i]) {
          LOG.warn(
              "GPU metrics: GPU {} ({}) cannot be read: {}",
              device.index(),
              device.uuid(),
              e.toString());
          failing[i] = true;
        }
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gpus.forEach(NvmlPowerMeter::close);
  }
}
