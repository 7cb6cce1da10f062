package io.wattsweep.worker.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data sharing (AppCDS) for job processes: the first job process of a kind writes the classes
 * it loaded to an archive as it exits, and later ones map that archive instead of loading, parsing
 * and verifying the same classes again; a command workload's process then starts on about a third
 * less CPU (BENCHMARKS.md, "Job flow"), which is what jobs starting side by side wait for.
 *
 * <p>An archive belongs to one JVM, one set of JVM options and one classpath, each entry by its
 * size and time: its file name is a digest of them, so a rebuilt jar gets a new archive, never a
 * stale one, and a JVM that still cannot map an archive runs without it. JDK 17 archives classes
 * from jars only, so the class folders of a checkout are first packed into a jar here, one per
 * content. An archive is written under a name of its own and renamed only when its process exits
 * with 0: a process killed while writing leaves nothing that a later one would map. A process that
 * cannot write one (at most {@value #MAX_WRITES} tries a kind) or a directory that cannot be
 * written leaves job processes as they were.
 */
final class JobClassArchive {
  private static final Logger LOG = LoggerFactory.getLogger(JobClassArchive.class);

  static final int MAX_WRITES = 2;

  /**
   * Archives nobody mapped for this long are removed when another is kept (each rebuild of a
   * checkout writes new ones) and when a worker starts; a JVM writes one again when it needs it.
   */
  static final Duration UNUSED = Duration.ofHours(1);

  /** A write left behind by a process killed before it could be renamed. */
  static final Duration ABANDONED = Duration.ofHours(1);

  private static final String ARCHIVE_SUFFIX = ".jsa";
  private static final String PARTIAL_SUFFIX = ".partial";

  private final Path dir;
  private final String classpath;
  private final Set<String> writing = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> writes = new ConcurrentHashMap<>();
  private final AtomicLong partials = new AtomicLong();

  /** How to start one job process, and what to tell this once it has exited. */
  record Launch(String classpath, List<String> options, IntConsumer exited) {}

  private JobClassArchive(Path dir, String classpath) {
    this.dir = dir;
    this.classpath = classpath;
  }

  /** Job processes on {@code classpath} as it is, without archives. */
  static JobClassArchive off(String classpath) {
    return new JobClassArchive(null, classpath);
  }

  /**
   * Archives kept in {@code dir} for job processes on {@code classpath}; off, with a warning, where
   * the directory or the jar of a class folder cannot be written.
   */
  static JobClassArchive in(Path dir, String classpath) {
    try {
      Files.createDirectories(dir);
      removeStale(dir);
      return new JobClassArchive(dir, jarsOnly(dir, classpath));
    } catch (IOException | UncheckedIOException | SecurityException e) {
      LOG.warn(
          "Job processes start without a class-data archive: {} cannot be used ({})",
          dir,
          e.toString());
      return off(classpath);
    }
  }

  /** The classpath job processes run on: the worker's, with each class folder as a jar. */
  String classpath() {
    return classpath;
  }

  /** How to start a job process whose JVM options are {@code options}. */
  Launch launch(List<String> options) {
    if (dir == null) {
      return new Launch(classpath, options, exit -> {});
    }
    String key = key(options);
    Path archive = dir.resolve("job-" + key + ARCHIVE_SUFFIX);
    if (Files.isRegularFile(archive)) {
      touch(archive);
      return new Launch(classpath, plus(options, "-XX:SharedArchiveFile=" + archive), exit -> {});
    }
    if (writes.getOrDefault(key, 0) >= MAX_WRITES || !writing.add(key)) {
      return new Launch(classpath, options, exit -> {});
    }
    writes.merge(key, 1, Integer::sum);
    Path partial =
        dir.resolve(
            "job-"
                + key
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + partials.incrementAndGet()
                + PARTIAL_SUFFIX);
    // The archive's notes on classes it cannot hold (JFR events, generated accessors) are noise.
    return new Launch(
        classpath,
        plus(options, "-Xlog:cds=off", "-XX:ArchiveClassesAtExit=" + partial),
        exit -> written(key, partial, archive, exit));
  }

  private void written(String key, Path partial, Path archive, int exit) {
    try {
      if (exit == 0 && Files.isRegularFile(partial) && Files.size(partial) > 0) {
        Files.move(
            partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("Job processes now start from the class-data archive {}", archive);
        removeStale(dir);
      }
    } catch (IOException e) {
      LOG.warn("Could not keep the class-data archive {}: {}", archive, e.toString());
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        LOG.debug("Could not remove {}: {}", partial, e.toString());
      }
      writing.remove(key);
    }
  }

  /**
   * The digest of what an archive depends on: the JVM, its options (those the environment adds too)
   * and every classpath entry.
   */
  private String key(List<String> options) {
    var parts = new ArrayList<String>();
    parts.add(System.getProperty("java.home"));
    parts.add(System.getProperty("java.vm.version"));
    parts.add(String.valueOf(System.getenv("JAVA_TOOL_OPTIONS")));
    parts.addAll(options);
    for (String entry : classpath.split(File.pathSeparator)) {
      parts.add(entry + "|" + stamp(Path.of(entry)));
    }
    return digest(String.join("\n", parts)).substring(0, 24);
  }

  /**
   * The classpath with each non-empty class folder replaced by a jar of its files, written into
   * {@code dir} under a digest of the folder's content (names, sizes, times).
   */
  static String jarsOnly(Path dir, String classpath) throws IOException {
    var out = new ArrayList<String>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      out.add(Files.isDirectory(path) && !isEmpty(path) ? jarOf(dir, path).toString() : entry);
    }
    return String.join(File.pathSeparator, out);
  }

  private static Path jarOf(Path dir, Path folder) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.sorted().toList();
    }
    var content = new StringBuilder(folder.toAbsolutePath().toString());
    for (Path f : files) {
      content.append('\n').append(folder.relativize(f)).append('|').append(stamp(f));
    }
    Path jar = dir.resolve("classes-" + digest(content.toString()).substring(0, 24) + ".jar");
    if (Files.isRegularFile(jar)) {
      return jar;
    }
    Path partial = dir.resolve(jar.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try (OutputStream file = Files.newOutputStream(partial);
        var zip = new JarOutputStream(file)) {
      for (Path f : files) {
        if (f.equals(folder)) {
          continue;
        }
        String name = folder.relativize(f).toString().replace(File.separatorChar, '/');
        boolean folderEntry = Files.isDirectory(f);
        var e = new JarEntry(folderEntry ? name + "/" : name);
        e.setLastModifiedTime(Files.getLastModifiedTime(f));
        zip.putNextEntry(e);
        if (!folderEntry) {
          Files.copy(f, zip);
        }
        zip.closeEntry();
      }
    }
    Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return jar;
  }

  /**
   * Removes archives unused for {@link #UNUSED} and writes abandoned for {@link #ABANDONED}; a file
   * another worker removes or replaces meanwhile is left to it.
   */
  private static void removeStale(Path dir) throws IOException {
    Instant now = Instant.now();
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.toList();
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      try {
        Duration age = Duration.between(Files.getLastModifiedTime(f).toInstant(), now);
        boolean stale =
            name.endsWith(ARCHIVE_SUFFIX)
                ? age.compareTo(UNUSED) > 0
                : (name.endsWith(PARTIAL_SUFFIX) || name.endsWith(".tmp"))
                    && age.compareTo(ABANDONED) > 0;
        if (stale) {
          Files.deleteIfExists(f);
        }
      } catch (IOException e) {
        LOG.debug("Left {}: {}", f, e.toString());
      }
    }
  }

  /** Marks an archive as used; a JVM checks the jars' times, never the archive's. */
  private static void touch(Path archive) {
    try {
      Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
    } catch (IOException e) {
      LOG.debug("Could not mark {} as used: {}", archive, e.toString());
    }
  }

  private static String stamp(Path p) {
    try {
      return Files.isRegularFile(p)
          ? Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis()
          : Files.isDirectory(p) ? "dir" : "none";
    } catch (IOException e) {
      return "unreadable";
    }
  }

  private static boolean isEmpty(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    }
  }

  private static List<String> plus(List<String> options, String... more) {
    var out = new ArrayList<>(options);
    out.addAll(List.of(more));
    return List.copyOf(out);
  }

  private static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
