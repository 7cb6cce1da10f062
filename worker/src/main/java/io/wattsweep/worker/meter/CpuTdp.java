package io.wattsweep.worker.meter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The TDP that the {@code tdp-estimate} meter models this machine's CPUs with, and where the figure
 * comes from: {@code WATTSWEEP_CPU_TDP_WATTS} where set; else the package TDP of the CPU model from
 * a table of common server CPUs (resource {@value #TABLE_RESOURCE}, each figure with its vendor
 * source), scaled to this machine; else {@value #FALLBACK_WATTS_PER_CORE} W per core, a guess that
 * says it is one.
 *
 * <p>Scaling a table figure: on bare metal, the package TDP times the packages (sockets); in a
 * virtual machine (the "hypervisor" CPU flag), the package TDP times the share of the package's
 * hardware threads that the machine has, since a VM's vCPUs are a slice of a host's package.
 *
 * @param watts the TDP of all this machine's CPUs together
 * @param source how {@link #watts()} was found
 * @param basis one line that says how, with the table row's source, for logs and reports
 */
public record CpuTdp(double watts, Source source, String basis) {
  /** The table on the classpath. */
  public static final String TABLE_RESOURCE = "/io/wattsweep/worker/meter/cpu-tdp.txt";

  /** The guess where the CPU model is not in the table: an order of magnitude, no more. */
  public static final double FALLBACK_WATTS_PER_CORE = 10;

  /** How the figure was found. */
  public enum Source {
    /** {@code WATTSWEEP_CPU_TDP_WATTS}. */
    CONFIGURED,
    /** The CPU table, by model name. */
    TABLE,
    /** {@value CpuTdp#FALLBACK_WATTS_PER_CORE} W per core: the model is not in the table. */
    PER_CORE_FALLBACK
  }

  /**
   * One row of the table.
   *
   * @param packageWatts the vendor's default TDP of one package
   * @param threadsPerPackage hardware threads of one package (cores x SMT)
   * @param source where the figures come from (a vendor's product page)
   */
  public record Row(Pattern pattern, double packageWatts, int threadsPerPackage, String source) {}

  public CpuTdp {
    if (!(watts > 0) || Double.isInfinite(watts)) {
      throw new IllegalArgumentException("watts must be a finite number > 0: " + watts);
    }
  }

  /** Read once: the table never changes while the process runs. */
  private static final class Table {
    static final List<Row> ROWS = load();
  }

  /** The rows of the table on the classpath, in order. */
  public static List<Row> table() {
    return Table.ROWS;
  }

  /**
   * The TDP to model this machine with.
   *
   * @param configured {@code WATTSWEEP_CPU_TDP_WATTS}, if set
   * @param cpu this machine's CPUs
   * @param cores the cores this process may use, for the per-core fallback
   */
  public static CpuTdp resolve(OptionalDouble configured, CpuInventory cpu, int cores) {
    return resolve(configured, cpu, cores, table());
  }

  static CpuTdp resolve(OptionalDouble configured, CpuInventory cpu, int cores, List<Row> rows) {
    if (configured.isPresent()) {
      return new CpuTdp(
          configured.getAsDouble(),
          Source.CONFIGURED,
          String.format(
              Locale.ROOT,
              "TDP %s W from WATTSWEEP_CPU_TDP_WATTS",
              watts(configured.getAsDouble())));
    }
    Optional<Row> row = lookup(cpu.modelName(), rows);
    if (row.isEmpty()) {
      double watts = FALLBACK_WATTS_PER_CORE * cores;
      return new CpuTdp(
          watts,
          Source.PER_CORE_FALLBACK,
          String.format(
              Locale.ROOT,
              "TDP %s W assumed (%s W per core x %d cores): CPU model '%s' is not in the TDP"
                  + " table; set WATTSWEEP_CPU_TDP_WATTS for a better estimate",
              watts(watts),
              watts(FALLBACK_WATTS_PER_CORE),
              cores,
              cpu.modelName()));
    }
    Row r = row.get();
    String perPackage =
        String.format(
            Locale.ROOT,
            "'%s' matches %s: %s W per %d-thread package (%s)",
            cpu.modelName(),
            r.pattern().pattern(),
            watts(r.packageWatts()),
            r.threadsPerPackage(),
            r.source());
    if (cpu.virtualMachine()) {
      double watts = r.packageWatts() * cpu.logicalCpus() / r.threadsPerPackage();
      return new CpuTdp(
          watts,
          Source.TABLE,
          String.format(
              Locale.ROOT,
              "TDP %s W from the CPU table: %s, x %d/%d threads of the"
                  + " package in this virtual machine",
              watts(watts),
              perPackage,
              cpu.logicalCpus(),
              r.threadsPerPackage()));
    }
    double watts = r.packageWatts() * cpu.packages();
    return new CpuTdp(
        watts,
        Source.TABLE,
        String.format(
            Locale.ROOT,
            "TDP %s W from the CPU table: %s, x %d package(s)",
            watts(watts),
            perPackage,
            cpu.packages()));
  }

  /** The first row whose pattern is found in the model name. */
  static Optional<Row> lookup(String modelName, List<Row> rows) {
    for (Row row : rows) {
      if (row.pattern().matcher(modelName).find()) {
        return Optional.of(row);
      }
    }
    return Optional.empty();
  }

  private static final Pattern ROW =
      Pattern.compile("(.+?)\\s*\\|\\s*([0-9.]+)\\s*\\|\\s*([0-9]+)\\s*(?:#\\s*(.*))?");

  /**
   * Parses the table's text.
   *
   * @throws IllegalArgumentException naming the line that is not a row
   */
  static List<Row> parse(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "CPU TDP table line "
                + (i + 1)
                + " is not 'regex | watts | threads # source': "
                + line);
      }
      try {
        rows.add(
            new Row(
                Pattern.compile(m.group(1), Pattern.CASE_INSENSITIVE),
                Double.parseDouble(m.group(2)),
                Integer.parseInt(m.group(3)),
                m.group(4) == null ? "no source given" : m.group(4).strip()));
      } catch (PatternSyntaxException | NumberFormatException e) {
        throw new IllegalArgumentException(
            "CPU TDP table line " + (i + 1) + " is malformed (" + e.getMessage() + "): " + line, e);
      }
    }
    return List.copyOf(rows);
  }

  private static List<Row> load() {
    try (InputStream in = CpuTdp.class.getResourceAsStream(TABLE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the CPU TDP table " + TABLE_RESOURCE + " is missing");
      }
      var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return parse(reader.lines().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU TDP table " + TABLE_RESOURCE, e);
    }
  }

  private static String watts(double w) {
    return w == Math.rint(w) ? Long.toString((long) w) : String.format(Locale.ROOT, "%.1f", w);
  }
}
