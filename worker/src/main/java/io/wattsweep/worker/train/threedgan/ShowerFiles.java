package io.wattsweep.worker.train.threedgan;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.wattsweep.worker.train.internal.Grid;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Geant4 showers from HDF5 files in the layout of the 3DGAN's published data: datasets {@code ECAL}
 * (events x 51 x 51 x 25 deposits in GeV, x, y, z order), {@code energy} (the primary energy in
 * GeV, one per event) and {@code theta} (the incidence angle in radians; {@code angle} is taken
 * where {@code theta} is missing). They are prepared as the published training prepares them (see
 * {@link ShowerData}). Read with jHDF, in pure Java: the workers need no HDF5 library.
 *
 * <p>Every problem is the job's: a missing file, a missing dataset or a shape the model cannot take
 * is an {@link IllegalArgumentException} naming the file and the HDF5 dataset, which fails the job
 * as {@code invalid-spec}.
 */
final class ShowerFiles {

  static final String ECAL = "ECAL";
  static final String ENERGY = "energy";
  static final List<String> ANGLES = List.of("theta", "angle");

  private ShowerFiles() {}

  /**
   * The first {@code events} showers of {@code dataset} (a file, or a directory whose {@code .h5}
   * files are read in name order), or all of them if it holds fewer.
   */
  static ShowerData.Pool read(Path dataset, Grid image, int events) {
    List<Path> files = files(dataset);
    int[] counts = new int[files.size()];
    int total = 0;
    for (int f = 0; f < files.size() && total < events; f++) {
      counts[f] = Math.min(events - total, eventsIn(files.get(f), image));
      total += counts[f];
    }
    if (total == 0) {
      throw new IllegalArgumentException(
          "dataset " + dataset + ": HDF5 dataset " + ECAL + " holds no events");
    }
    var pool = new ShowerData.Pool(image, total);
    int at = 0;
    for (int f = 0; f < files.size() && counts[f] > 0; f++) {
      readInto(files.get(f), image, counts[f], pool, at);
      at += counts[f];
    }
    return pool;
  }

  private static List<Path> files(Path dataset) {
    if (Files.isRegularFile(dataset)) {
      return List.of(dataset);
    }
    if (!Files.isDirectory(dataset)) {
      throw new IllegalArgumentException("dataset file not found on this worker: " + dataset);
    }
    try (Stream<Path> listed = Files.list(dataset)) {
      List<Path> files =
          listed.filter(p -> p.getFileName().toString().endsWith(".h5")).sorted().toList();
      if (files.isEmpty()) {
        throw new IllegalArgumentException("dataset directory holds no .h5 file: " + dataset);
      }
      return files;
    } catch (IOException e) {
      throw new IllegalArgumentException("dataset directory is not readable: " + dataset, e);
    }
  }

  /** How many events {@code file} holds, after checking its datasets' shapes. */
  private static int eventsIn(Path file, Grid image) {
    try (HdfFile hdf = new HdfFile(file)) {
      int[] ecal = dataset(hdf, file, ECAL).getDimensions();
      int[] expected = {image.x(), image.y(), image.z()};
      if (ecal.length != 4 || !Arrays.equals(Arrays.copyOfRange(ecal, 1, 4), expected)) {
        throw new IllegalArgumentException(
            String.format(
                "dataset file %s: HDF5 dataset %s must be events x %d x %d x %d for this model's"
                    + " scale: %s",
                file, ECAL, image.x(), image.y(), image.z(), shape(ecal)));
      }
      for (String label : List.of(ENERGY, angleName(hdf, file))) {
        int[] dims = dataset(hdf, file, label).getDimensions();
        boolean perEvent =
            dims.length > 0
                && dims[0] >= ecal[0]
                && Arrays.stream(dims).skip(1).allMatch(d -> d == 1);
        if (!perEvent) {
          throw new IllegalArgumentException(
              String.format(
                  "dataset file %s: HDF5 dataset %s must hold one value per event (%d): %s",
                  file, label, ecal[0], shape(dims)));
        }
      }
      return ecal[0];
    } catch (HdfException e) {
      throw new IllegalArgumentException(
          "dataset file is not readable as HDF5: " + file + ": " + e.getMessage(), e);
    }
  }

  private static void readInto(Path file, Grid image, int n, ShowerData.Pool pool, int at) {
    int cells = Math.toIntExact(image.cells());
    try (HdfFile hdf = new HdfFile(file)) {
      float[] deposits = new float[n * cells];
      flatten(
          dataset(hdf, file, ECAL)
              .getData(new long[] {0, 0, 0, 0}, new int[] {n, image.x(), image.y(), image.z()}),
          deposits,
          0,
          file + " " + ECAL);
      float[] energies = column(hdf, file, ENERGY, n);
      float[] angles = column(hdf, file, angleName(hdf, file), n);
      for (int e = 0; e < n; e++) {
        double sum = 0;
        for (int c = e * cells; c < (e + 1) * cells; c++) {
          // Deposits are never negative; a stray one would make the power NaN.
          double deposit = Math.max(0, deposits[c]);
          sum += deposit;
          pool.images()[at * cells + c] = (float) Math.pow(deposit, EcalOutputs.POWER);
        }
        pool.ecals()[at + e] = (float) sum;
        pool.energies()[at + e] = (float) (energies[e] / ShowerData.GEV_PER_UNIT);
        pool.angles()[at + e] = angles[e];
      }
    } catch (HdfException e) {
      throw new IllegalArgumentException(
          "dataset file is not readable as HDF5: " + file + ": " + e.getMessage(), e);
    }
  }

  private static Dataset dataset(HdfFile hdf, Path file, String name) {
    Node node = hdf.getChildren().get(name);
    if (!(node instanceof Dataset d)) {
      throw new IllegalArgumentException(
          String.format(
              "dataset file %s has no HDF5 dataset %s; it holds %s",
              file, name, hdf.getChildren().keySet()));
    }
    return d;
  }

  private static String angleName(HdfFile hdf, Path file) {
    return ANGLES.stream()
        .filter(a -> hdf.getChildren().get(a) instanceof Dataset)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    String.format(
                        "dataset file %s has no HDF5 dataset %s; it holds %s",
                        file, String.join(" or ", ANGLES), hdf.getChildren().keySet())));
  }

  /** The first {@code n} values of a per-event dataset. */
  private static float[] column(HdfFile hdf, Path file, String name, int n) {
    Dataset d = dataset(hdf, file, name);
    float[] all = new float[Math.toIntExact(d.getSize())];
    flatten(d.getData(), all, 0, file + " " + name);
    return Arrays.copyOf(all, n);
  }

  /**
   * Writes a (nested) float or double array's values in order from {@code at}; returns the end.
   * {@code where} names the file and the HDF5 dataset for an error.
   */
  private static int flatten(Object array, float[] out, int at, String where) {
    if (array instanceof float[] f) {
      System.arraycopy(f, 0, out, at, f.length);
      return at + f.length;
    }
    if (array instanceof double[] d) {
      for (double v : d) {
        out[at++] = (float) v;
      }
      return at;
    }
    if (array instanceof Object[] nested) {
      for (Object o : nested) {
        at = flatten(o, out, at, where);
      }
      return at;
    }
    throw new IllegalArgumentException(
        "dataset file and HDF5 dataset "
            + where
            + " must hold floating-point values: "
            + (array == null
                ? "null"
                : array.getClass().getSimpleName()
                    + (array.getClass().isArray() ? " of " + Array.getLength(array) : "")));
  }

  private static String shape(int[] dims) {
    return dims.length == 0
        ? "a scalar"
        : String.join(" x ", Arrays.stream(dims).mapToObj(Integer::toString).toList());
  }
}
