package io.wattsweep.common.install;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A copy of wattsweep on disk, and the classpath each of its programs runs on, so that one program
 * can start another in its own JVM. A checkout (a folder with {@code pom.xml}) runs a module from
 * its build: {@code MODULE/target/classes} and the jars listed in {@code
 * MODULE/target/classpath.txt}. An unpacked distribution runs the services from {@code lib/*.jar}
 * and the local Kafka broker from {@code lib/kafka/*.jar}.
 */
public final class Installation {
  /** System property naming the root; both launchers set it, and the build sets it for tests. */
  public static final String ROOT_PROPERTY = "wattsweep.root";

  static final String BUILD_COMMAND = "./mvnw -q install -DskipTests";

  /** A wattsweep program that runs in a JVM of its own. */
  public enum Program {
    COORDINATOR("coordinator", true, "lib", List.of()),
    /**
     * A worker only relays: jobs from Kafka to its jobs' processes, their events back. On the
     * client compiler alone and the serial collector, four fresh workers used about 45% less CPU
     * through a sweep (BENCHMARKS.md, "Job flow"), left to the training beside them. The launcher
     * script ({@code wattsweep worker}) gives it the same options.
     */
    WORKER("worker", true, "lib", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")),
    /** Apart from the services: its Kafka 4 jars clash with their kafka-clients 3.7. */
    KAFKA_BROKER("deploy/kafka", false, "lib/kafka", List.of());

    private final String module;
    private final boolean hasClasses;
    private final String libDir;
    private final List<String> jvmOptions;

    Program(String module, boolean hasClasses, String libDir, List<String> jvmOptions) {
      this.module = module;
      this.hasClasses = hasClasses;
      this.libDir = libDir;
      this.jvmOptions = jvmOptions;
    }

    /** The JVM options the program runs with, beyond its heap. */
    public List<String> jvmOptions() {
      return jvmOptions;
    }
  }

  private final Path root;

  private Installation(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The checkout or the unpacked distribution at {@code root}. */
  public static Installation at(Path root) {
    return new Installation(root);
  }

  /** The installation that system property {@value #ROOT_PROPERTY} names, else the working dir. */
  public static Installation current() {
    return at(Path.of(System.getProperty(ROOT_PROPERTY, "")));
  }

  public Path root() {
    return root;
  }

  /** Whether this is a checkout, built by Maven, rather than an unpacked distribution. */
  public boolean isCheckout() {
    return Files.isRegularFile(root.resolve("pom.xml"));
  }

  /**
   * The classpath that runs {@code program}, its entries joined by the path separator.
   *
   * @throws IllegalStateException naming the missing file or folder, and how to get it
   */
  public String classpath(Program program) {
    List<Path> entries = isCheckout() ? fromBuild(program) : fromLib(program);
    return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  private List<Path> fromBuild(Program program) {
    Path target = root.resolve(program.module).resolve("target");
    Path file = target.resolve("classpath.txt");
    String rebuild =
        "; build it with `"
            + BUILD_COMMAND
            + "` in "
            + root
            + " (any ./wattsweep command builds on first use)";
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("missing " + file + rebuild);
    }
    List<Path> entries = new ArrayList<>();
    if (program.hasClasses) {
      entries.add(target.resolve("classes"));
    }
    for (String entry : read(file).split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (entry.isBlank() || !Files.exists(jar)) {
        throw new IllegalStateException(file + " names a missing jar '" + entry + "'" + rebuild);
      }
      entries.add(jar);
    }
    return entries;
  }

  private List<Path> fromLib(Program program) {
    Path dir = root.resolve(program.libDir);
    List<Path> jars = List.of();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    if (jars.isEmpty()) {
      throw new IllegalStateException(
          "no jars in "
              + dir
              + ": "
              + root
              + " is neither a wattsweep"
              + " checkout (it has no pom.xml) nor a whole unpacked distribution");
    }
    return jars;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
