package io.wattsweep.worker.train.threedgan;

import io.wattsweep.worker.train.internal.BatchCycle;
import io.wattsweep.worker.train.internal.Grid;
import java.nio.file.Path;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The showers a 3DGAN trains on: a pool of events made or read up front ({@link SyntheticShowers},
 * or a sweep's HDF5 files through {@link ShowerFiles}), which the graph copies once into variables
 * on its device; a step then feeds only the indices of its batch (see {@link BatchCycle}), so that
 * no step copies the pool from the host.
 *
 * <p>As in the published training, energies are fed divided by 100, angles in radians, cells raised
 * to the power 0.85, and the ECAL sum (the deposit before that power) is the fourth target.
 */
final class ShowerData implements AutoCloseable {

  /** Energies are fed in units of 100 GeV, i.e. in [0.02, 5]. */
  static final double GEV_PER_UNIT = 100;

  /**
   * Pooled events as arrays: cells (x, y, z order) raised to {@link EcalOutputs#POWER}, primary
   * energies in units of 100 GeV, angles in radians and ECAL sums in GeV.
   */
  record Pool(Grid image, float[] images, float[] energies, float[] angles, float[] ecals) {
    Pool(Grid image, int events) {
      this(
          image,
          new float[Math.toIntExact(events * image.cells())],
          new float[events],
          new float[events],
          new float[events]);
    }

    int events() {
      return energies.length;
    }
  }

  private final TFloat32 images;
  private final TFloat32 energies;
  private final TFloat32 angles;
  private final TFloat32 ecals;
  private final BatchCycle cycle;

  private ShowerData(Pool pool, int batchSize) {
    int size = pool.events();
    images =
        TFloat32.tensorOf(
            Shape.of(pool.image().batchShape(size)), DataBuffers.of(pool.images(), true, false));
    energies = column(pool.energies());
    angles = column(pool.angles());
    ecals = column(pool.ecals());
    cycle = new BatchCycle(size, batchSize);
  }

  /**
   * The pool for a batch: synthetic showers drawn from {@code seed} when {@code dataset} is null,
   * else the first events of the dataset's files.
   *
   * @throws IllegalArgumentException naming the file and the HDF5 dataset when the files cannot be
   *     read as the model needs them
   */
  static ShowerData of(GanDims dims, int batchSize, long seed, String dataset) {
    int size = BatchCycle.poolSize(batchSize, 4L * dims.image().cells());
    Pool pool =
        dataset == null
            ? SyntheticShowers.draw(dims.image(), size, seed)
            : ShowerFiles.read(Path.of(dataset), dims.image(), size);
    return new ShowerData(pool, batchSize);
  }

  /** How many events the pool holds. */
  long poolSize() {
    return energies.shape().size(0);
  }

  /** All pooled events, (pool, xy, xy, z, 1); owned by this object. */
  TFloat32 images() {
    return images;
  }

  /** Their primary energies, (pool, 1), in units of 100 GeV. */
  TFloat32 energies() {
    return energies;
  }

  /** Their angles, (pool, 1), in radians. */
  TFloat32 angles() {
    return angles;
  }

  /** Their total deposits, (pool, 1). */
  TFloat32 ecals() {
    return ecals;
  }

  /** The next batch's indices into the pool; the caller closes them. */
  TInt32 nextIndices() {
    return cycle.next();
  }

  @Override
  public void close() {
    images.close();
    energies.close();
    angles.close();
    ecals.close();
  }

  private static TFloat32 column(float[] values) {
    return TFloat32.tensorOf(Shape.of(values.length, 1), DataBuffers.of(values, true, false));
  }
}
