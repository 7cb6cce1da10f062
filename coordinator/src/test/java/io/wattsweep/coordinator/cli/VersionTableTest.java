package io.wattsweep.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.coordinator.catalog.ModelVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionTableTest {

  @Test
  void eachVersionShowsWhereItsGeneratorIsAndASavedNothingSaysSo() {
    var saved = new ModelVersion("3dgan", 2, "sw-1-abc-r1", 0.25, "tf", 25_161L, 3_642L, 1L,
        "file:///data/artifacts/3dgan/sw-1/sw-1-abc/sw-1-abc-r1/generator.zip",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 97_536L, "sw-1",
        "alice", 5_000);
    var none = new ModelVersion("3dgan", 1, "sw-0-def-r1", 0.25, "tf", 25_161L, 3_642L, 1L,
        null, null, null, "sw-0", null, 4_000);

    String table = QueryCommands.versionTable(List.of(saved, none));

    assertEquals(List.of(
        "version  run          scale  sweep  submitted by  artifact                                 "
            + "                             sha256           size",
        "2        sw-1-abc-r1  0.25   sw-1   alice         file:///data/artifacts/3dgan/sw-1/sw-1-a"
            + "bc/sw-1-abc-r1/generator.zip  9f86d081884c...  95.3 KiB",
        "1        sw-0-def-r1  0.25   sw-0                 (none saved)",
        "sha256 is shortened here; --format json gives it whole."),
        table.lines().map(String::stripTrailing).toList());
  }
}
