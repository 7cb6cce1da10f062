package io.wattsweep.worker.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.worker.meter.nvml.GpuReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every metric a worker exports on {@code /metrics}, declared together, and how they are fed.
 *
 * <p>Per device (labels {@code worker, gpu, uuid, name, job_id}; {@code job_id} is empty while a
 * device runs no job, and is not called {@code job} because Prometheus gives that label to the
 * scrape job): power, energy, utilization, memory, temperature and SM clock. On a GPU worker they
 * come from NVML in this process ({@link GpuSampler}, about once a second, whether or not a job
 * runs). On a CPU worker they come from the runs' own events: power from their power samples and
 * energy from their measured batches (the job's meter; idle time between batches is not counted),
 * each labelled with the meter's {@code method}, so a {@code tdp-estimate} never passes for a
 * measurement.
 *
 * <p>Per worker: the current job, measured batches, their energy and duration by configuration, and
 * jobs by outcome. Thread-safe.
 */
public final class WorkerMetrics implements RunObserver {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerMetrics.class);

  /** Counters of a device under a job that ended stay this long, so the last scrape sees them. */
  static final Duration LINGER = Duration.ofSeconds(60);

  private static final double[] BATCH_BUCKETS_SECONDS = {
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 150, 600
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();

  private final Gauge gpuPower =
      Gauge.builder()
          .name("wattsweep_gpu_power_watts")
          .help(
              "Present power of a device (instant where NVML has it); method: the meter behind it")
          .labelNames("worker", "gpu", "uuid", "name", "job_id", "method")
          .register(registry);

  private final Counter gpuEnergy =
      Counter.builder()
          .name("wattsweep_gpu_energy_joules")
          .help(
              "Energy of a device: NVML's energy counter on a GPU worker; on a CPU worker the"
                  + " measured batches' energy; method: the meter behind it")
          .labelNames("worker", "gpu", "uuid", "name", "job_id", "method")
          .register(registry);

  private final Gauge gpuPowerLimit =
      Gauge.builder()
          .name("wattsweep_gpu_power_limit_watts")
          .help("Enforced power limit of a GPU (TDP of a CPU), as its meter reports it")
          .labelNames("worker", "gpu", "uuid", "name")
          .register(registry);

  private final Gauge gpuUtilization =
      Gauge.builder()
          .name("wattsweep_gpu_utilization_ratio")
          .help("Share of the last sample period a kernel ran on the GPU (0 to 1)")
          .labelNames("worker", "gpu", "uuid", "name", "job_id")
          .register(registry);

  private final Gauge gpuMemoryUsed =
      Gauge.builder()
          .name("wattsweep_gpu_memory_used_bytes")
          .help("GPU memory in use")
          .labelNames("worker", "gpu", "uuid", "name", "job_id")
          .register(registry);

  private final Gauge gpuMemoryTotal =
      Gauge.builder()
          .name("wattsweep_gpu_memory_total_bytes")
          .help("GPU memory in all")
          .labelNames("worker", "gpu", "uuid", "name")
          .register(registry);

  private final Gauge gpuTemperature =
      Gauge.builder()
          .name("wattsweep_gpu_temperature_celsius")
          .help("GPU die temperature")
          .labelNames("worker", "gpu", "uuid", "name", "job_id")
          .register(registry);

  private final Gauge gpuSmClock =
      Gauge.builder()
          .name("wattsweep_gpu_sm_clock_hertz")
          .help("Clock of the GPU's streaming multiprocessors")
          .labelNames("worker", "gpu", "uuid", "name", "job_id")
          .register(registry);

  private final Info job =
      Info.builder()
          .name("wattsweep_worker_job_info")
          .help("The job this worker runs now (absent while idle)")
          .labelNames(
              "worker",
              "job_id",
              "sweep_id",
              "model",
              "precision",
              "batch_size",
              "gpus",
              "gpu_class")
          .register(registry);

  private final Gauge busy =
      Gauge.builder()
          .name("wattsweep_worker_busy")
          .help("1 while the worker runs a job, else 0")
          .labelNames("worker", "gpu_class")
          .register(registry);

  private final Counter batches =
      Counter.builder()
          .name("wattsweep_batches")
          .help(
              "Measured batches done, by configuration (precision: requested; precision_ran: what"
                  + " ran)")
          .labelNames("worker", "model", "precision", "precision_ran", "batch_size", "gpus")
          .register(registry);

  private final Counter batchEnergy =
      Counter.builder()
          .name("wattsweep_batch_energy_joules")
          .help(
              "Energy of the measured batches (summed over the job's devices), by configuration;"
                  + " method: the meter behind it")
          .labelNames(
              "worker", "model", "precision", "precision_ran", "batch_size", "gpus", "method")
          .register(registry);

  private final Histogram batchDuration =
      Histogram.builder()
          .name("wattsweep_batch_duration_seconds")
          .help("Duration of a measured batch (one full GAN training step), by configuration")
          .labelNames("worker", "model", "precision", "precision_ran", "batch_size", "gpus")
          .classicOnly()
          .classicUpperBounds(BATCH_BUCKETS_SECONDS)
          .register(registry);

  private final Counter jobs =
      Counter.builder()
          .name("wattsweep_worker_jobs")
          .help("Jobs this worker finished, by outcome (completed, failed) and failure reason")
          .labelNames("worker", "gpu_class", "outcome", "reason")
          .register(registry);

  private final String worker;
  private final String gpuClass;
  private final LongSupplier nanoTime;

  // The run in progress; guarded by this.
  private JobSpec current;
  private RunStarted started;
  private String[] jobInfo;
  private String[] eventPowerLabels;
  private String[] eventEnergyLabels;
  private boolean nvmlSampling;
  private final Map<String, String[]> deviceLabels = new HashMap<>();
  private final List<Expiry> expiries = new ArrayList<>();

  private record Expiry(Consumer<String[]> remove, String[] labels, long atNanos) {}

  public WorkerMetrics(String worker, String gpuClass, LongSupplier nanoTime) {
    this.worker = worker;
    this.gpuClass = gpuClass;
    this.nanoTime = nanoTime;
    busy.labelValues(worker, gpuClass).set(0);
    jobs.initLabelValues(worker, gpuClass, "completed", "");
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** From now on device metrics come from NVML in this process, not from the runs' events. */
  synchronized void nvmlSampling(boolean on) {
    nvmlSampling = on;
  }

  @Override
  public synchronized void jobStarted(JobSpec job, String runId) {
    current = job;
    started = null;
    jobInfo =
        new String[] {
          worker,
          job.jobId(),
          job.sweepId(),
          job.model(),
          job.precision().wireName(),
          Integer.toString(job.batchSize()),
          Integer.toString(job.gpus()),
          job.gpuClass()
        };
    this.job.addLabelValues(jobInfo);
    busy.labelValues(worker, gpuClass).set(1);
  }

  @Override
  public synchronized void event(JobSpec job, RunEvent event) {
    try {
      if (event instanceof RunStarted s) {
        started = s;
        batches.initLabelValues(config(job, s));
        batchDuration.initLabelValues(config(job, s));
        batchEnergy.initLabelValues(append(config(job, s), s.energyMethod().wireName()));
        if (!nvmlSampling) {
          double limit = s.devices().stream().mapToDouble(DeviceInfo::powerLimitWatts).sum();
          if (limit > 0) {
            gpuPowerLimit.labelValues(deviceLabels(s.devices())).set(limit);
          }
        }
      } else if (event instanceof PowerSample p && !nvmlSampling) {
        String[] labels =
            append(append(deviceLabels(devices()), job.jobId()), p.method().wireName());
        if (eventPowerLabels != null && !List.of(eventPowerLabels).equals(List.of(labels))) {
          gpuPower.remove(eventPowerLabels);
        }
        eventPowerLabels = labels;
        gpuPower.labelValues(labels).set(p.powerWatts());
      } else if (event instanceof BatchMeasured b) {
        RunStarted s = started;
        String[] config = config(job, s);
        batches.labelValues(config).inc();
        batchDuration.labelValues(config).observe(b.durationNanos() / 1e9);
        String method = s == null ? "unknown" : s.energyMethod().wireName();
        if (b.energyJoules() >= 0) {
          batchEnergy.labelValues(append(config, method)).inc(b.energyJoules());
          if (!nvmlSampling) {
            eventEnergyLabels = append(append(deviceLabels(devices()), job.jobId()), method);
            gpuEnergy.labelValues(eventEnergyLabels).inc(b.energyJoules());
          }
        }
      } else if (event instanceof RunCompleted) {
        jobs.labelValues(worker, gpuClass, "completed", "").inc();
      } else if (event instanceof RunFailed f) {
        jobs.labelValues(worker, gpuClass, "failed", f.reason().wireName()).inc();
      }
    } catch (RuntimeException e) {
      LOG.warn("Metrics of job {} missed an event: {}", job.jobId(), e.toString());
    }
  }

  @Override
  public synchronized void jobEnded(JobSpec job, String runId) {
    if (jobInfo != null) {
      this.job.remove(jobInfo);
    }
    if (eventPowerLabels != null) {
      gpuPower.remove(eventPowerLabels);
      eventPowerLabels = null;
    }
    if (eventEnergyLabels != null) {
      expireLater(gpuEnergy::remove, eventEnergyLabels);
      eventEnergyLabels = null;
    }
    busy.labelValues(worker, gpuClass).set(0);
    current = null;
    started = null;
    jobInfo = null;
  }

  /**
   * One NVML sample of a GPU: its reading and the energy its counter gained since the last one. The
   * GPU's series carry the job whose run uses it, if any.
   */
  synchronized void gpuSample(DeviceInfo device, GpuReading r, double energyJoules, String method) {
    String[] base = {worker, Integer.toString(device.index()), device.uuid(), device.name()};
    String jobId = jobUsing(device.uuid());
    String[] withJob = append(base, jobId);
    String[] previous = deviceLabels.put(device.uuid(), withJob);
    if (previous != null && !List.of(previous).equals(List.of(withJob))) {
      gpuPower.remove(append(previous, method));
      gpuUtilization.remove(previous);
      gpuMemoryUsed.remove(previous);
      gpuTemperature.remove(previous);
      gpuSmClock.remove(previous);
      expireLater(gpuEnergy::remove, append(previous, method));
    }
    gpuPower.labelValues(append(withJob, method)).set(r.powerWatts());
    gpuEnergy.labelValues(append(withJob, method)).inc(Math.max(0, energyJoules));
    if (r.gpuUtilizationPercent() >= 0) {
      gpuUtilization.labelValues(withJob).set(r.gpuUtilizationPercent() / 100.0);
    }
    if (r.memoryUsedBytes() >= 0) {
      gpuMemoryUsed.labelValues(withJob).set(r.memoryUsedBytes());
    }
    if (r.memoryTotalBytes() >= 0) {
      gpuMemoryTotal.labelValues(base).set(r.memoryTotalBytes());
    }
    if (r.temperatureCelsius() >= 0) {
      gpuTemperature.labelValues(withJob).set(r.temperatureCelsius());
    }
    if (r.smClockMhz() >= 0) {
      gpuSmClock.labelValues(withJob).set(r.smClockMhz() * 1e6);
    }
    if (device.powerLimitWatts() > 0) {
      gpuPowerLimit.labelValues(base).set(device.powerLimitWatts());
    }
  }

  /** Removes the series whose linger time is over; called periodically. */
  public synchronized void expire() {
    long now = nanoTime.getAsLong();
    Iterator<Expiry> it = expiries.iterator();
    while (it.hasNext()) {
      Expiry e = it.next();
      if (now - e.atNanos() >= 0) {
        if (!isLive(e.labels())) {
          e.remove().accept(e.labels());
        }
        it.remove();
      }
    }
  }

  /** A series lingering for removal that is in use again (the same job on the same device). */
  private boolean isLive(String[] labels) {
    List<String> lingering = List.of(labels);
    if (eventEnergyLabels != null && List.of(eventEnergyLabels).equals(lingering)) {
      return true;
    }
    return deviceLabels.values().stream()
        .anyMatch(
            l -> l.length < labels.length && List.of(l).equals(lingering.subList(0, l.length)));
  }

  private void expireLater(Consumer<String[]> remove, String[] labels) {
    expiries.add(new Expiry(remove, labels, nanoTime.getAsLong() + LINGER.toNanos()));
  }

  private String jobUsing(String uuid) {
    RunStarted s = started;
    if (current == null || s == null) {
      return "";
    }
    return s.devices().stream().anyMatch(d -> uuid.equals(d.uuid())) ? current.jobId() : "";
  }

  private List<DeviceInfo> devices() {
    return started == null ? List.of() : started.devices();
  }

  /** The labels worker, gpu, uuid, name of a run's devices, joined with '+' where several. */
  private String[] deviceLabels(List<DeviceInfo> devices) {
    if (devices.isEmpty()) {
      return new String[] {worker, "", "", ""};
    }
    return new String[] {
      worker,
      devices.stream().map(d -> Integer.toString(d.index())).collect(Collectors.joining("+")),
      devices.stream().map(DeviceInfo::uuid).collect(Collectors.joining("+")),
      devices.stream().map(DeviceInfo::name).distinct().collect(Collectors.joining("+"))
    };
  }

  private String[] config(JobSpec job, RunStarted s) {
    return new String[] {
      worker,
      job.model(),
      job.precision().wireName(),
      s == null ? job.precision().wireName() : s.precisionRan().wireName(),
      Integer.toString(job.batchSize()),
      Integer.toString(job.gpus())
    };
  }

  private static String[] append(String[] labels, String value) {
    String[] out = Arrays.copyOf(labels, labels.length + 1);
    out[labels.length] = value;
    return out;
  }
}
