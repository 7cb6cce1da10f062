package io.wattsweep.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.coordinator.catalog.ModelVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionTableTest {

  @Test
  void eachVersionShowsItsAliasesSourceAndGeneratorAndASavedNothingSaysSo() {
    var saved =
        new ModelVersion(
            "3dgan",
            2,
            "sw-1-abc-r1",
            0.25,
            "tf",
            25_161L,
            3_642L,
            1L,
            "generator (25,161 parameters): dense/w 200x2048",
            "file:///data/artifacts/3dgan/sw-1/sw-1-abc/sw-1-abc-r1/generator.zip",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            97_536L,
            "9120b52addb297e72ff6c2176e71996c60ea7201-dirty",
            "sw-1",
            "alice",
            5_000,
            Map.of("project", "calo-sim"),
            List.of("best-cpu", "production"));
    var none =
        new ModelVersion(
            "3dgan",
            1,
            "sw-0-def-r1",
            0.25,
            "tf",
            25_161L,
            3_642L,
            1L,
            null,
            null,
            null,
            null,
            null,
            "sw-0",
            null,
            4_000,
            Map.of(),
            List.of());

    String table = VersionTable.format(List.of(saved, none));

    assertEquals(
        List.of(
            "version  aliases               run          scale  sweep  submitted by  source        "
                + "      artifact                                                              sha256"
                + "           size",
            "2        best-cpu, production  sw-1-abc-r1  0.25   sw-1   alice         9120b52addb2-d"
                + "irty  file:///data/artifacts/3dgan/sw-1/sw-1-abc/sw-1-abc-r1/generator.zip  9f86d0"
                + "81884c...  95.3 KiB",
            "1                              sw-0-def-r1  0.25   sw-0                                  "
                + "   (none saved)",
            "source (the worker's git commit) and sha256 are shortened here; --format json gives them"
                + " whole, and each version's architecture."),
        table.lines().map(String::stripTrailing).toList());
  }
}
