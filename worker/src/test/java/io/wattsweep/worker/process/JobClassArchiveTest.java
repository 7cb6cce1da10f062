package io.wattsweep.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobClassArchiveTest {
  private static final List<String> OPTIONS = List.of("-Xmx64m", "-XX:TieredStopAtLevel=1");

  @TempDir Path tmp;

  /** The folder this test's own classes were compiled to. */
  private static Path testClasses() throws Exception {
    return Path.of(ArchiveProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void aClassFolderRunsAsAJarOfItsContentAndAChangedFolderAsAnotherJar() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("classes/io/x"));
    Files.writeString(classes.resolve("A.class"), "a");
    Files.writeString(tmp.resolve("classes/table.csv"), "model,tdp");
    Path dir = tmp.resolve("archives");
    Files.createDirectories(dir);
    String classpath = tmp.resolve("classes") + File.pathSeparator + "/nowhere/lib.jar";

    String first = JobClassArchive.jarsOnly(dir, classpath);
    String[] entries = first.split(File.pathSeparator);
    assertTrue(entries[0].startsWith(dir.toString()) && entries[0].endsWith(".jar"), first);
    assertEquals("/nowhere/lib.jar", entries[1]);
    try (var jar = new JarFile(entries[0])) {
      assertEquals(
          "a", new String(jar.getInputStream(jar.getEntry("io/x/A.class")).readAllBytes()));
      assertTrue(jar.getEntry("table.csv") != null);
    }
    assertEquals(first, JobClassArchive.jarsOnly(dir, classpath), "same content, same jar");

    Files.writeString(classes.resolve("A.class"), "a, rebuilt");
    assertNotEquals(first, JobClassArchive.jarsOnly(dir, classpath));
  }

  @Test
  void theFirstProcessWritesTheArchiveAndTheNextOneStartsFromIt() throws Exception {
    var archive = JobClassArchive.in(tmp, testClasses().toString());
    Path stale = Files.writeString(tmp.resolve("job-of-an-older-build.jsa"), "x");
    Files.setLastModifiedTime(
        stale, FileTime.from(Instant.now().minus(JobClassArchive.UNUSED).minusSeconds(60)));
    Path inUse = Files.writeString(tmp.resolve("job-of-a-running-worker.jsa"), "x");

    JobClassArchive.Launch first = archive.launch(OPTIONS);
    assertTrue(first.options().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")));
    first.exited().accept(run(first, 0).exit());
    assertFalse(Files.exists(stale), "an archive unused for an hour goes when another is kept");
    Files.delete(inUse);
    assertEquals(1, archives().size(), "one archive, kept once its process exited with 0");

    JobClassArchive.Launch next = archive.launch(OPTIONS);
    assertTrue(next.options().contains("-XX:SharedArchiveFile=" + archives().get(0)));
    Ran ran = run(next, 0);
    assertEquals(0, ran.exit());
    assertTrue(
        ran.output().contains(ArchiveProbe.class.getName() + " source: shared objects file"),
        "the probe comes from the archive:\n" + ran.output());
    assertTrue(
        archive.launch(List.of("-Xmx128m")).options().stream()
            .anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")),
        "other options, another archive");
  }

  @Test
  void aProcessThatFailsLeavesNoArchiveAndWritingStopsAfterTwoTries() throws Exception {
    var archive = JobClassArchive.in(tmp, testClasses().toString());
    for (int i = 0; i < JobClassArchive.MAX_WRITES; i++) {
      JobClassArchive.Launch launch = archive.launch(OPTIONS);
      assertTrue(launch.options().stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")));
      launch.exited().accept(run(launch, 3).exit());
      assertEquals(List.of(), archives());
      try (Stream<Path> left = Files.list(tmp)) {
        assertFalse(left.anyMatch(f -> f.toString().endsWith(".partial")), "its write removed");
      }
    }
    assertEquals(OPTIONS, archive.launch(OPTIONS).options());
  }

  @Test
  void onlyOneProcessAtATimeWritesAnArchive() throws Exception {
    var archive = JobClassArchive.in(tmp, testClasses().toString());
    JobClassArchive.Launch writer = archive.launch(OPTIONS);
    assertEquals(OPTIONS, archive.launch(OPTIONS).options(), "the second starts as before");
    writer.exited().accept(1);
    assertNotEquals(OPTIONS, archive.launch(OPTIONS).options(), "the writer failed: try again");
  }

  @Test
  void aDirectoryThatCannotBeWrittenLeavesJobProcessesAsTheyWere() throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
    String classpath = testClasses().toString();
    var archive = JobClassArchive.in(notADirectory.resolve("cds"), classpath);

    assertEquals(classpath, archive.classpath());
    JobClassArchive.Launch launch = archive.launch(OPTIONS);
    assertEquals(OPTIONS, launch.options());
    assertEquals(classpath, launch.classpath());
  }

  private List<Path> archives() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(f -> f.toString().endsWith(".jsa")).toList();
    }
  }

  private record Ran(int exit, String output) {}

  private static Ran run(JobClassArchive.Launch launch, int exit) throws Exception {
    var cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(launch.options());
    cmd.addAll(
        List.of(
            "-Xlog:class+load=info",
            "-cp",
            launch.classpath(),
            ArchiveProbe.class.getName(),
            Integer.toString(exit)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Ran(p.waitFor(), output);
  }
}
