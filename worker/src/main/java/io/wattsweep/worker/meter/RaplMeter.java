package io.wattsweep.worker.meter;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Energy of the CPU packages from the kernel's RAPL counters under {@code /sys/class/powercap}
 * ({@link EnergyMethod#RAPL}), summed over the packages.
 *
 * <p>Zones: every top-level powercap zone ({@code <type>:<n>}, such as {@code intel-rapl:0}) whose
 * {@code name} is {@code package-<n>}. Intel CPUs and AMD Zen CPUs (kernel 5.8 and later) both
 * expose their package counters this way; sub-zones ({@code core}, {@code dram}) and the platform
 * zone ({@code psys}) are left out, as a package's counter already covers its cores. Where a
 * package appears twice ({@code intel-rapl-mmio:0} beside {@code intel-rapl:0}) it is counted once,
 * from the MSR zone.
 *
 * <p>Counter wrap: {@code energy_uj} counts up to {@code max_energy_range_uj} and starts again at
 * 0. The meter keeps each zone's last value and adds {@code max_energy_range_uj} when a value goes
 * down, which is exact to one hardware unit (at most 61 µJ) per wrap. A counter wraps every {@code
 * max_energy_range_uj} / power (tens of minutes on Intel, minutes on some AMD parts at full load),
 * so the meter must be read more often than that: {@link PowerSampler} does.
 *
 * <p>Resolution: the counter counts microjoules (hardware units of 15.3 or 61 µJ), but the
 * processor refreshes it only about every millisecond, so a window's energy is exact to about
 * present power x 1 ms; see {@link #resolutionJoules()}.
 *
 * <p>Reading {@code energy_uj} takes root since Linux 5.10 (the PLATYPUS side channel): where it is
 * not readable the meter is unavailable, and the reason says how to allow it. Thread-safe.
 */
public final class RaplMeter implements DeviceEnergyMeter {
  private static final Logger LOG = LoggerFactory.getLogger(RaplMeter.class);

  /** How often the processor refreshes the energy counter. */
  static final double REFRESH_SECONDS = 0.001;

  /** The sysfs file's unit. */
  private static final double JOULES_PER_UNIT = 1e-6;

  /** Power is the counter's slope over at least this long: shorter, and it is refresh noise. */
  private static final long MIN_POWER_WINDOW_NANOS = 10_000_000;

  private static final Pattern TOP_LEVEL_ZONE = Pattern.compile("([a-z][a-z0-9_-]*):(\\d+)");
  private static final Pattern PACKAGE_NAME = Pattern.compile("package-(\\d+)");

  /** Reads a sysfs file; tests inject failures that a root user would not see. */
  @FunctionalInterface
  interface SysFs {
    String read(Path file) throws IOException;
  }

  /** One package's counter and what the meter has added up from it. */
  private static final class Zone {
    final String dirName;
    final Path energyFile;
    final long maxRangeUj;
    long lastUj;
    long accumulatedUj;

    Zone(String dirName, Path energyFile, long maxRangeUj, long firstUj) {
      this.dirName = dirName;
      this.energyFile = energyFile;
      this.maxRangeUj = maxRangeUj;
      this.lastUj = firstUj;
    }
  }

  private record Candidate(int pkg, String type, String dirName, Path dir) {}

  private final List<Zone> zones;
  private final List<DeviceInfo> devices;
  private final SysFs sysfs;
  private final LongSupplier nanoClock;
  private long wraps; // guarded by this
  private long powerNanos; // guarded by this
  private long powerUj; // guarded by this
  private double lastWatts; // guarded by this

  private RaplMeter(
      List<Zone> zones, List<DeviceInfo> devices, SysFs sysfs, LongSupplier nanoClock) {
    this.zones = zones;
    this.devices = devices;
    this.sysfs = sysfs;
    this.nanoClock = nanoClock;
    this.powerNanos = nanoClock.getAsLong();
  }

  /**
   * Opens the package zones under {@code root}.
   *
   * @param root the powercap class directory ({@code /sys/class/powercap}, or a test's copy)
   * @param nanoClock a monotonic clock in nanoseconds, for {@link #powerWatts()}
   * @throws MeterUnavailableException if there is no package zone or one cannot be read, with the
   *     reason
   */
  public static RaplMeter open(Path root, LongSupplier nanoClock) {
    return open(root, nanoClock, Files::readString, CpuInventory.read().modelName());
  }

  static RaplMeter open(Path root, LongSupplier nanoClock, SysFs sysfs, String modelName) {
    List<Candidate> packages = packageZones(root, sysfs);
    List<Zone> zones = new ArrayList<>();
    List<DeviceInfo> devices = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Candidate c : packages) {
      try {
        long max = readMicrojoules(sysfs, c.dir().resolve("max_energy_range_uj"), c);
        if (max <= 0) {
          problems.add(c.dirName() + "/max_energy_range_uj is not > 0: " + max);
          continue;
        }
        long first = readMicrojoules(sysfs, c.dir().resolve("energy_uj"), c);
        zones.add(new Zone(c.dirName(), c.dir().resolve("energy_uj"), max, first));
        devices.add(
            new DeviceInfo(
                c.pkg(),
                "cpu",
                c.dirName(),
                modelName,
                System.getProperty("os.arch"),
                powerLimitWatts(sysfs, c.dir()),
                c.type()));
      } catch (MeterUnavailableException e) {
        problems.add(e.reason());
      }
    }
    if (!problems.isEmpty()) {
      // Part of the packages would be part of the energy: none rather than a wrong total.
      throw new MeterUnavailableException(
          "RAPL energy cannot be read under " + root + ": " + String.join("; ", problems));
    }
    RaplMeter meter = new RaplMeter(List.copyOf(zones), List.copyOf(devices), sysfs, nanoClock);
    LOG.info(
        "RAPL meter open on {} CPU package zone(s) under {}: {}; counters wrap every {} J",
        zones.size(),
        root,
        zones.stream().map(z -> z.dirName).toList(),
        zones.stream().map(z -> z.maxRangeUj / 1_000_000).toList());
    return meter;
  }

  /** The package zones under root, one per package, MSR zones before MMIO ones. */
  private static List<Candidate> packageZones(Path root, SysFs sysfs) {
    if (!Files.isDirectory(root)) {
      throw new MeterUnavailableException(
          root
              + " does not exist: this machine exposes no"
              + " powercap (RAPL) zones (no RAPL driver, or a VM or container without them)");
    }
    List<Candidate> found = new ArrayList<>();
    List<String> others = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      for (Path dir : entries.sorted().toList()) {
        String dirName = dir.getFileName().toString();
        Matcher zone = TOP_LEVEL_ZONE.matcher(dirName);
        if (!zone.matches()) {
          continue; // a control type ("intel-rapl") or a sub-zone ("intel-rapl:0:1")
        }
        String name;
        try {
          name = sysfs.read(dir.resolve("name")).strip();
        } catch (IOException e) {
          others.add(dirName + " (no readable name)");
          continue;
        }
        Matcher pkg = PACKAGE_NAME.matcher(name);
        if (pkg.matches()) {
          found.add(new Candidate(Integer.parseInt(pkg.group(1)), zone.group(1), dirName, dir));
        } else {
          others.add(dirName + " (" + name + ")");
        }
      }
    } catch (IOException e) {
      throw new MeterUnavailableException("cannot list " + root + ": " + e, e);
    }
    found.sort(
        Comparator.comparingInt(Candidate::pkg)
            .thenComparing(c -> c.type().contains("mmio"))
            .thenComparing(Candidate::dirName));
    Set<Integer> seen = new HashSet<>();
    List<Candidate> packages = new ArrayList<>();
    for (Candidate c : found) {
      if (seen.add(c.pkg())) {
        packages.add(c);
      } else {
        LOG.debug("RAPL zone {} is package-{} again; it is counted once", c.dirName(), c.pkg());
      }
    }
    if (packages.isEmpty()) {
      throw new MeterUnavailableException(
          "no RAPL package zone under "
              + root
              + (others.isEmpty() ? " (no zones at all)" : " (zones found: " + others + ")"));
    }
    return packages;
  }

  private static long readMicrojoules(SysFs sysfs, Path file, Candidate zone) {
    String label = zone.dirName() + "/" + file.getFileName();
    String text;
    try {
      text = sysfs.read(file).strip();
    } catch (NoSuchFileException e) {
      throw new MeterUnavailableException(label + " is missing");
    } catch (AccessDeniedException e) {
      throw new MeterUnavailableException(
          label
              + " is not readable by user '"
              + System.getProperty("user.name")
              + "' (since Linux 5.10 only root may read RAPL"
              + " energy; an administrator can allow it with chmod o+r on the energy_uj files, made"
              + " lasting by a udev rule)",
          e);
    } catch (IOException e) {
      throw new MeterUnavailableException(label + " cannot be read: " + e, e);
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new MeterUnavailableException(label + " is not a number: '" + text + "'", e);
    }
  }

  /** The long-term power limit (PL1, which Intel sets to the TDP by default); 0 if unknown. */
  private static double powerLimitWatts(SysFs sysfs, Path dir) {
    try {
      return Long.parseLong(sysfs.read(dir.resolve("constraint_0_power_limit_uw")).strip()) / 1e6;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public EnergyMethod method() {
    return EnergyMethod.RAPL;
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
   * @throws UncheckedIOException if a counter can no longer be read
   */
  @Override
  public synchronized double energyJoules() {
    return advance() * JOULES_PER_UNIT;
  }

  @Override
  public synchronized List<Double> deviceEnergiesJoules() {
    advance();
    List<Double> joules = new ArrayList<>(zones.size());
    for (Zone z : zones) {
      joules.add(z.accumulatedUj * JOULES_PER_UNIT);
    }
    return List.copyOf(joules);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The counters' slope since the previous call (0 until 10 ms have passed since the opening).
   * Each call also keeps the wrap tracking fresh.
   */
  @Override
  public synchronized double powerWatts() {
    long totalUj = advance();
    long now = nanoClock.getAsLong();
    long elapsed = now - powerNanos;
    if (elapsed >= MIN_POWER_WINDOW_NANOS) {
      lastWatts = (totalUj - powerUj) * JOULES_PER_UNIT / (elapsed / 1e9);
      powerNanos = now;
      powerUj = totalUj;
    }
    return lastWatts;
  }

  /** Present power x 1 ms, the counter's refresh, and at least one microjoule per package. */
  @Override
  public synchronized double resolutionJoules() {
    return Math.max(lastWatts * REFRESH_SECONDS, JOULES_PER_UNIT * zones.size());
  }

  /** How many counter wraps the meter has seen, for logs and tests. */
  public synchronized long wraps() {
    return wraps;
  }

  @Override
  public void close() {
    // Nothing is held open: each read opens and closes the sysfs file.
  }

  /** Reads every counter, adds what it moved since the last read, returns the total. */
  private long advance() {
    long total = 0;
    for (Zone z : zones) {
      long now;
      try {
        now = Long.parseLong(sysfs.read(z.energyFile).strip());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read RAPL energy from " + z.energyFile, e);
      }
      long delta = now - z.lastUj;
      if (delta < 0) {
        delta += z.maxRangeUj;
        wraps++;
        LOG.debug("RAPL counter {} wrapped ({} -> {} uJ)", z.dirName, z.lastUj, now);
      }
      z.accumulatedUj += delta;
      z.lastUj = now;
      total += z.accumulatedUj;
    }
    return total;
  }
}
