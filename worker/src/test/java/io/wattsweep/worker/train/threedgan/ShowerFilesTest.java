package io.wattsweep.worker.train.threedgan;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.wattsweep.worker.train.PublishedShowerFile;
import io.wattsweep.worker.train.internal.Grid;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowerFilesTest {

  private static final Grid PUBLISHED = GanDims.of(1).image();

  @TempDir Path dir;

  @Test
  void showersAreReadAndPreparedAsThePublishedTrainingPreparesThem() {
    Path file = PublishedShowerFile.write(dir.resolve("EleEscan_1_1.h5"), 3);

    ShowerData.Pool pool = ShowerFiles.read(file, PUBLISHED, 2);

    int cells = Math.toIntExact(PUBLISHED.cells());
    int centre = (25 * 51 + 25) * 25 + 12;
    long occupied = ShowerDataTest.occupied(pool.images(), 0, pool.images().length);
    assertAll(
        () -> assertEquals(2, pool.events(), "only the events the pool asked for"),
        () -> assertEquals(0.1f, pool.energies()[0], 1e-6, "10 GeV in units of 100 GeV"),
        () -> assertEquals(0.2f, pool.energies()[1], 1e-6),
        () -> assertEquals(1.5f, pool.angles()[1], 1e-6),
        () -> assertEquals(2.5f, pool.ecals()[1], 1e-6, "the ECAL sum is of the raw deposits"),
        () -> assertEquals(Math.pow(2, 0.85), pool.images()[cells + centre], 1e-5),
        () -> assertEquals(4, occupied, "two hit cells per event, the rest empty"));
  }

  @Test
  void aDirectoryIsReadFileByFileInNameOrder() {
    PublishedShowerFile.write(dir.resolve("b.h5"), 2);
    PublishedShowerFile.write(dir.resolve("a.h5"), 1);

    ShowerData.Pool pool = ShowerFiles.read(dir, PUBLISHED, 8);

    assertEquals(3, pool.events());
    assertEquals(1.5f, pool.ecals()[0], 1e-6, "a.h5's only event first");
    assertEquals(2.5f, pool.ecals()[2], 1e-6, "then b.h5's second");
  }

  @Test
  void aMissingFileIsRefusedNamingIt() {
    Path missing = dir.resolve("nowhere.h5");

    var e =
        assertThrows(IllegalArgumentException.class, () -> ShowerFiles.read(missing, PUBLISHED, 4));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void aShapeTheModelCannotTakeIsRefusedNamingTheFileAndTheDataset() {
    Path file = PublishedShowerFile.write(dir.resolve("small.h5"), 2, 25, 25, 25);

    var e =
        assertThrows(IllegalArgumentException.class, () -> ShowerFiles.read(file, PUBLISHED, 4));

    assertAll(
        () -> assertTrue(e.getMessage().contains(file.toString()), e.getMessage()),
        () -> assertTrue(e.getMessage().contains("ECAL"), e.getMessage()),
        () -> assertTrue(e.getMessage().contains("2 x 25 x 25 x 25"), e.getMessage()));
  }

  @Test
  void aFileWithoutAnAngleIsRefusedNamingWhatItHolds() throws Exception {
    Path file = dir.resolve("no-angle.h5");
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putDataset("ECAL", new float[1][51][51][25]);
      hdf.putDataset("energy", new float[] {100});
    }

    var e =
        assertThrows(IllegalArgumentException.class, () -> ShowerFiles.read(file, PUBLISHED, 4));

    assertAll(
        () -> assertTrue(e.getMessage().contains(file.toString()), e.getMessage()),
        () -> assertTrue(e.getMessage().contains("theta or angle"), e.getMessage()),
        () -> assertTrue(e.getMessage().contains("ECAL"), "what it holds: " + e.getMessage()));
  }

  @Test
  void aFileThatIsNotHdf5IsRefusedNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("text.h5"), "not HDF5");

    var e =
        assertThrows(IllegalArgumentException.class, () -> ShowerFiles.read(file, PUBLISHED, 4));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
