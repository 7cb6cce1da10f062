package io.wattsweep.worker.train;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.nio.file.Path;

/**
 * Writes HDF5 files in the layout of the 3DGAN's published showers ({@code ECAL} events x X x Y x Z
 * in GeV, {@code energy} in GeV, {@code theta} in radians), with jHDF, for tests that read them
 * back as a worker does. Event {@code e} has a primary energy of {@code 10 (e + 1)} GeV, an angle
 * of 1.5 rad, and two hit cells at the centre of the middle layer: {@code e + 1} GeV and 0.5 GeV
 * beside it; every other cell is empty, as most cells of a real shower are.
 */
public final class PublishedShowerFile {

  private PublishedShowerFile() {}

  /** The published file's cell grid. */
  public static final int XY = 51;

  public static final int Z = 25;

  /** A file of {@code events} showers on the published 51 x 51 x 25 grid. */
  public static Path write(Path file, int events) {
    return write(file, events, XY, XY, Z);
  }

  /** A file of {@code events} showers on an x by y by z grid. */
  public static Path write(Path file, int events, int x, int y, int z) {
    float[][][][] ecal = new float[events][x][y][z];
    float[] energy = new float[events];
    float[] theta = new float[events];
    for (int e = 0; e < events; e++) {
      ecal[e][x / 2][y / 2][z / 2] = e + 1;
      ecal[e][x / 2][y / 2 + 1][z / 2] = 0.5f;
      energy[e] = 10 * (e + 1);
      theta[e] = 1.5f;
    }
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putDataset("ECAL", ecal);
      hdf.putDataset("energy", energy);
      hdf.putDataset("theta", theta);
    }
    return file;
  }
}
