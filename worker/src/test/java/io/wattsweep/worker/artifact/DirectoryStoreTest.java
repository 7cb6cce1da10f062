package io.wattsweep.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest {
  private static final String SHA256 =
      "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";

  @TempDir Path root;
  @TempDir Path work;

  @Test
  void anArtifactLandsUnderModelSweepJobAndRunWithNothingElseLeft() throws Exception {
    Path file = Files.writeString(work.resolve("generator.zip"), "weights v1");
    var key = new ArtifactKey("3dgan", "s1", "s1-0a", "s1-0a-r1", "generator.zip");

    URI uri = new DirectoryStore(root).put(key, file, SHA256);

    Path stored = root.resolve("3dgan/s1/s1-0a/s1-0a-r1/generator.zip");
    assertEquals(stored.toUri(), uri);
    assertEquals("weights v1", Files.readString(stored));
    try (Stream<Path> all = Files.list(stored.getParent())) {
      assertEquals(List.of(stored), all.toList(), "a partial file was left behind");
    }
  }

  @Test
  void aRelativeFileUriIsADirectoryUnderTheWorkingDirectory() {
    assertEquals(
        Path.of("wattsweep-data/artifacts").toAbsolutePath(),
        DirectoryStore.directory(URI.create("file:./wattsweep-data/artifacts")));
    assertEquals(
        Path.of("/data/artifacts"), DirectoryStore.directory(URI.create("file:///data/artifacts")));
    assertEquals(
        Path.of("/data/artifacts"), DirectoryStore.directory(URI.create("file:/data/artifacts")));
  }

  @Test
  void idsThatWouldLeaveTheirDirectoryAreRejectedNamingTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ArtifactKey("3dgan", "s1", "../../etc", "r1", "generator.zip"));

    assertEquals(
        "jobId must be 1-200 of A-Z, a-z, 0-9, '.', '_' and '-', not starting with '.'"
            + " or '-', to name an artifact: '../../etc'",
        e.getMessage());
  }
}
