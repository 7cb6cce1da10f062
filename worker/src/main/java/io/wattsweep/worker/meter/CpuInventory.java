package io.wattsweep.worker.meter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code /proc/cpuinfo} says about this machine's CPUs, for choosing and scaling a TDP.
 *
 * @param modelName the first "model name" ("AMD EPYC 7763 64-Core Processor"), or "unknown CPU"
 * @param logicalCpus "processor" entries: the logical CPUs the kernel runs, at least 1
 * @param packages distinct "physical id" values: sockets on bare metal, at least 1
 * @param virtualMachine true where the "hypervisor" flag is set: the CPUs are a slice of a host's
 */
public record CpuInventory(
    String modelName, int logicalCpus, int packages, boolean virtualMachine) {
  /** The kernel's file. */
  public static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

  public CpuInventory {
    if (logicalCpus < 1) {
      throw new IllegalArgumentException("logicalCpus must be >= 1: " + logicalCpus);
    }
    if (packages < 1) {
      throw new IllegalArgumentException("packages must be >= 1: " + packages);
    }
  }

  /** This machine's CPUs; where the file cannot be read, what the JVM knows. */
  public static CpuInventory read() {
    return read(PROC_CPUINFO);
  }

  /** Reads a cpuinfo file; where it cannot be read, what the JVM knows. */
  public static CpuInventory read(Path cpuinfo) {
    try {
      return parse(Files.readAllLines(cpuinfo));
    } catch (IOException e) {
      return new CpuInventory("unknown CPU", Runtime.getRuntime().availableProcessors(), 1, false);
    }
  }

  static CpuInventory parse(List<String> lines) {
    String model = null;
    int processors = 0;
    Set<String> physicalIds = new HashSet<>();
    boolean hypervisor = false;
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "processor" -> processors++;
        case "model name" -> model = model == null ? value : model;
        case "physical id" -> physicalIds.add(value);
        // x86 says "flags"; the word is the same on every processor line.
        case "flags" -> hypervisor |= (" " + value + " ").contains(" hypervisor ");
        default -> {}
      }
    }
    return new CpuInventory(
        model == null || model.isBlank() ? "unknown CPU" : model,
        Math.max(1, processors == 0 ? Runtime.getRuntime().availableProcessors() : processors),
        Math.max(1, physicalIds.size()),
        hypervisor);
  }
}
