package io.wattsweep.worker.meter.nvml;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.meter.nvml.NvmlSession.Handle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Energy and power of a job's NVIDIA GPUs through NVML, summed over them.
 *
 * <p>Energy is the GPUs' total-energy counter ({@link EnergyMethod#NVML_ENERGY_COUNTER}), read at
 * each call. Where any of the GPUs lacks the counter (before Volta), every GPU's instant power
 * (field {@code NVML_FI_DEV_POWER_INSTANT}) is integrated instead by trapezoids on a monotonic
 * clock ({@link EnergyMethod#NVML_INSTANT_POWER}): a sampler thread adds a sample each period, and
 * each {@link #energyJoules()} adds one more, so a window's edges are sampled when it is read.
 * {@code nvmlDeviceGetPowerUsage}, a one-second average on Hopper, is never integrated: it only
 * stands in for instant power in {@link #powerWatts()}, for display, where a driver lacks the
 * field.
 *
 * <p>Resolution: the counter counts millijoules but NVML refreshes it (and the power readings)
 * about every 100 ms, so a window's energy is exact only to about present power x 0.1 s (45 J for
 * two GPUs drawing 450 W together); see {@link #resolutionJoules()}.
 *
 * <p>{@link DeviceInfo#index()} is NVML's index of the GPU on the node. Thread-safe; NVML calls
 * cost about 2 ms each on a virtual machine, so callers read power no more often than they chart.
 */
public final class NvmlPowerMeter implements PowerMeter {
  private static final Logger LOG = LoggerFactory.getLogger(NvmlPowerMeter.class);

  /** How often the fallback integrates instant power: NVML refreshes it at about this rate. */
  public static final Duration DEFAULT_SAMPLE_PERIOD = Duration.ofMillis(100);

  /** How often NVML refreshes the energy counter and power, measured on an H200 (driver 580). */
  static final double REFRESH_SECONDS = 0.1;

  /** The counter's unit. */
  private static final double COUNTER_QUANTUM_JOULES = 0.001;

  private final NvmlSession nvml;
  private final List<Handle> gpus;
  private final List<DeviceInfo> devices;
  private final EnergyMethod method;
  private final long[] originMillijoules;
  private final boolean[] instantPower;
  private final LongSupplier nanoClock;
  private final InstantPowerIntegrator integrator = new InstantPowerIntegrator();
  private final ScheduledExecutorService sampler;
  // Readers share NVML; close() takes the write lock so nvmlShutdown never races a read.
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;
  private RuntimeException integrationFailure; // guarded by integrator
  private volatile double lastPowerWatts = Double.NaN;

  private NvmlPowerMeter(
      NvmlSession nvml,
      List<Handle> gpus,
      List<DeviceInfo> devices,
      long[] originMillijoules,
      boolean[] instantPower,
      Duration samplePeriod,
      LongSupplier nanoClock) {
    this.nvml = nvml;
    this.gpus = gpus;
    this.devices = devices;
    this.originMillijoules = originMillijoules;
    this.instantPower = instantPower;
    this.nanoClock = nanoClock;
    this.method =
        originMillijoules != null
            ? EnergyMethod.NVML_ENERGY_COUNTER
            : EnergyMethod.NVML_INSTANT_POWER;
    if (method == EnergyMethod.NVML_INSTANT_POWER) {
      integrateToNow(); // the origin of energy is the meter's opening
      sampler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "nvml-power-sampler");
                t.setDaemon(true);
                return t;
              });
      long period = samplePeriod.toNanos();
      sampler.scheduleAtFixedRate(this::sample, period, period, TimeUnit.NANOSECONDS);
    } else {
      sampler = null;
    }
  }

  /**
   * Opens the first {@code gpus} GPUs this process may use, per {@code env}, with the default
   * sample period and the system's monotonic clock.
   *
   * @see #open(int, Map, Duration, LongSupplier)
   */
  public static NvmlPowerMeter open(int gpus, Map<String, String> env) {
    return open(gpus, env, DEFAULT_SAMPLE_PERIOD, System::nanoTime);
  }

  /**
   * Opens the first {@code gpus} GPUs this process may use.
   *
   * @param env the environment: {@code CUDA_VISIBLE_DEVICES} (indexes or GPU UUIDs) picks the GPUs,
   *     {@value Nvml#LIBRARY_ENV} may name the library (the system property {@value
   *     Nvml#LIBRARY_PROPERTY} takes precedence)
   * @param samplePeriod how often instant power is sampled where the energy counter is missing
   * @param nanoClock a monotonic clock in nanoseconds, for integrating instant power
   * @throws NvmlUnavailableException if NVML cannot be loaded or initialised, the GPUs support
   *     neither the energy counter nor instant power, or {@code CUDA_VISIBLE_DEVICES} names a MIG
   *     instance: the caller falls back and reports why
   * @throws IllegalStateException if fewer than {@code gpus} GPUs are visible
   * @throws NvmlException if NVML fails while the GPUs are being read
   */
  public static NvmlPowerMeter open(
      int gpus, Map<String, String> env, Duration samplePeriod, LongSupplier nanoClock) {
    if (gpus < 1) {
      throw new IllegalArgumentException("gpus must be >= 1: " + gpus);
    }
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(nanoClock, "nanoClock");
    if (samplePeriod.isNegative() || samplePeriod.isZero()) {
      throw new IllegalArgumentException("samplePeriod must be > 0: " + samplePeriod);
    }
    NvmlSession nvml = NvmlSession.open(env);
    try {
      List<String> notes = new ArrayList<>();
      List<Handle> visible = VisibleDevices.resolve(nvml, env, notes);
      if (visible.size() < gpus) {
        throw new IllegalStateException(
            "the job asks for "
                + gpus
                + " GPU(s) but "
                + visible.size()
                + " are visible to it"
                + " (NVML sees "
                + nvml.deviceCount()
                + "; "
                + VisibleDevices.CUDA_VISIBLE_DEVICES
                + "="
                + describe(env.get(VisibleDevices.CUDA_VISIBLE_DEVICES))
                + ")"
                + (notes.isEmpty() ? "" : ": " + String.join("; ", notes)));
      }
      String driver = nvml.driverVersion();
      List<Handle> chosen = new ArrayList<>();
      List<DeviceInfo> devices = new ArrayList<>();
      for (Handle visibleGpu : visible.subList(0, gpus)) {
        int index = nvml.index(visibleGpu);
        String uuid = nvml.uuid(visibleGpu);
        Handle gpu = new Handle(visibleGpu.pointer(), "GPU " + index + " (" + uuid + ")");
        DeviceInfo info =
            new DeviceInfo(
                index,
                "gpu",
                uuid,
                nvml.name(gpu),
                nvml.architecture(gpu),
                nvml.powerLimitWatts(gpu).orElse(0),
                driver);
        chosen.add(gpu);
        devices.add(info);
        LOG.info(
            "GPU {}: {} {} ({}) at PCI {}, power limit {} W, driver {}",
            index,
            info.name(),
            uuid,
            info.architecture(),
            nvml.pciBusId(gpu).orElse("unknown"),
            info.powerLimitWatts(),
            driver);
      }
      long[] origin = new long[gpus];
      boolean[] instant = new boolean[gpus];
      List<String> withoutCounter = new ArrayList<>();
      for (int i = 0; i < gpus; i++) {
        OptionalLong energy = nvml.energyMillijoules(chosen.get(i));
        if (energy.isPresent()) {
          origin[i] = energy.getAsLong();
        } else {
          withoutCounter.add(chosen.get(i).label());
        }
        instant[i] = nvml.instantPowerWatts(chosen.get(i)).isPresent();
      }
      if (!withoutCounter.isEmpty()) {
        for (int i = 0; i < gpus; i++) {
          if (!instant[i]) {
            throw new NvmlUnavailableException(
                chosen.get(i).label()
                    + " supports neither NVML's energy counter nor its instant"
                    + " power, and the averaged power reading is not integrated into energy");
          }
        }
        LOG.warn(
            "NVML energy counter not supported on {}: integrating instant power of all {} GPU(s)"
                + " every {} ms instead",
            withoutCounter,
            gpus,
            samplePeriod.toMillis());
      }
      NvmlPowerMeter meter =
          new NvmlPowerMeter(
              nvml,
              List.copyOf(chosen),
              List.copyOf(devices),
              withoutCounter.isEmpty() ? origin : null,
              instant,
              samplePeriod,
              nanoClock);
      LOG.info(
          "NVML meter open on {} GPU(s) from {}, method {}", gpus, nvml.source(), meter.method);
      return meter;
    } catch (RuntimeException e) {
      nvml.shutdown();
      throw e;
    }
  }

  private static String describe(String value) {
    return value == null ? "unset" : "'" + value + "'";
  }

  @Override
  public EnergyMethod method() {
    return method;
  }

  @Override
  public List<DeviceInfo> devices() {
    return devices;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The origin is the meter's opening.
   *
   * @throws NvmlException if NVML fails, as when a GPU is lost; while integrating instant power, a
   *     failure (the sampler's too) is raised again on every later call
   */
  @Override
  public double energyJoules() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      if (method == EnergyMethod.NVML_ENERGY_COUNTER) {
        long millijoules = 0;
        for (int i = 0; i < gpus.size(); i++) {
          Handle gpu = gpus.get(i);
          long now =
              nvml.energyMillijoules(gpu)
                  .orElseThrow(
                      () ->
                          nvml.failure(
                              Nvml.ERROR_NOT_SUPPORTED,
                              "nvmlDeviceGetTotalEnergyConsumption on " + gpu.label()));
          millijoules += now - originMillijoules[i];
        }
        return millijoules / 1000.0;
      }
      return integrateToNow();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Instant power where the driver has it, else the averaged reading; for charts only.
   */
  @Override
  public double powerWatts() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      double watts = 0;
      for (int i = 0; i < gpus.size(); i++) {
        watts += displayPowerWatts(i);
      }
      lastPowerWatts = watts;
      return watts;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Present power x 0.1 s, NVML's refresh interval, and at least the counter's 1 mJ per GPU. The
   * power is the last one read, so this costs no NVML call once power has been read.
   */
  @Override
  public double resolutionJoules() {
    double watts = lastPowerWatts;
    if (Double.isNaN(watts)) {
      watts = powerWatts();
    }
    return Math.max(watts * REFRESH_SECONDS, COUNTER_QUANTUM_JOULES * gpus.size());
  }

  /** Utilization, memory, temperature, clock and power of each GPU, for live charts. */
  public List<GpuReading> readings() {
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      List<GpuReading> readings = new ArrayList<>(gpus.size());
      for (int i = 0; i < gpus.size(); i++) {
        Handle gpu = gpus.get(i);
        int[] utilization = nvml.utilizationPercent(gpu).orElse(new int[] {-1, -1});
        long[] memory = nvml.memoryBytes(gpu).orElse(new long[] {-1, -1});
        readings.add(
            new GpuReading(
                devices.get(i).index(),
                devices.get(i).uuid(),
                displayPowerWatts(i),
                utilization[0],
                utilization[1],
                memory[1],
                memory[0],
                nvml.temperatureCelsius(gpu).orElse(-1),
                nvml.smClockMhz(gpu).orElse(-1)));
      }
      return List.copyOf(readings);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Stops the sampler and shuts NVML down; later calls fail. Idempotent. */
  @Override
  public void close() {
    if (sampler != null) {
      // Before the write lock: a running sample finishes, it never waits on close.
      sampler.shutdownNow();
      try {
        if (!sampler.awaitTermination(5, TimeUnit.SECONDS)) {
          LOG.warn("the NVML power sampler did not stop within 5 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      nvml.shutdown();
      LOG.info("NVML meter closed");
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the NVML meter is closed");
    }
  }

  private double displayPowerWatts(int i) {
    Handle gpu = gpus.get(i);
    if (instantPower[i]) {
      OptionalDouble instant = nvml.instantPowerWatts(gpu);
      if (instant.isPresent()) {
        return instant.getAsDouble();
      }
    }
    return nvml.powerUsageWatts(gpu);
  }

  /**
   * Adds a sample of all GPUs' instant power now; returns the energy so far. A failure is kept and
   * raised by every later call: energy with a gap in it would be wrong energy.
   */
  private double integrateToNow() {
    // One lock over the reads and the clock keeps samples in time order across threads.
    synchronized (integrator) {
      RuntimeException failure = integrationFailure;
      if (failure != null) {
        throw failure instanceof NvmlException e
            ? new NvmlException(e)
            : new IllegalStateException("instant power integration failed", failure);
      }
      try {
        double watts = 0;
        for (Handle gpu : gpus) {
          watts +=
              nvml.instantPowerWatts(gpu)
                  .orElseThrow(
                      () ->
                          nvml.failure(
                              Nvml.ERROR_NOT_SUPPORTED,
                              "nvmlDeviceGetFieldValues(NVML_FI_DEV_POWER_INSTANT) on "
                                  + gpu.label()));
        }
        lastPowerWatts = watts;
        return integrator.add(nanoClock.getAsLong(), watts);
      } catch (RuntimeException e) {
        integrationFailure = e;
        throw e;
      }
    }
  }

  private void sample() {
    try {
      integrateToNow();
    } catch (RuntimeException e) {
      LOG.error("NVML power sampling stopped: {}", e.getMessage());
      throw e; // cancels the schedule
    }
  }
}
