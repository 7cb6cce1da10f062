package io.wattsweep.worker.train.threedgan;

import io.wattsweep.worker.train.internal.BatchCycle;
import io.wattsweep.worker.train.internal.Grid;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A 3DGAN's pool of showers and labels held in graph variables, which TensorFlow keeps on the
 * device that reads them: {@link #load} copies the pool there once, after the session starts, and a
 * step then feeds only its batch's indices. Feeding the pool to every session run instead made each
 * of a step's four runs take the whole pool (up to {@link BatchCycle#MAX_POOL_BYTES}) as input, a
 * host-to-device copy inside the measured window on a GPU.
 */
final class DevicePool {

  final Variable<TFloat32> images;
  final Variable<TFloat32> energies;
  final Variable<TFloat32> angles;
  final Variable<TFloat32> ecals;
  private final Placeholder<TFloat32> imagesIn;
  private final Placeholder<TFloat32> energiesIn;
  private final Placeholder<TFloat32> anglesIn;
  private final Placeholder<TFloat32> ecalsIn;
  private final Op load;

  DevicePool(Ops tf, Grid image, long events) {
    Ops scope = tf.withSubScope("pool");
    images = scope.withName("images").variable(Shape.of(image.batchShape(events)), TFloat32.class);
    energies = scope.withName("energies").variable(Shape.of(events, 1), TFloat32.class);
    angles = scope.withName("angles").variable(Shape.of(events, 1), TFloat32.class);
    ecals = scope.withName("ecals").variable(Shape.of(events, 1), TFloat32.class);
    imagesIn = scope.withName("images_in").placeholder(TFloat32.class);
    energiesIn = scope.withName("energies_in").placeholder(TFloat32.class);
    anglesIn = scope.withName("angles_in").placeholder(TFloat32.class);
    ecalsIn = scope.withName("ecals_in").placeholder(TFloat32.class);
    load =
        scope
            .withName("load")
            .withControlDependencies(
                List.of(
                    scope.assign(images, imagesIn),
                    scope.assign(energies, energiesIn),
                    scope.assign(angles, anglesIn),
                    scope.assign(ecals, ecalsIn)))
            .noOp();
  }

  /** Copies {@code data}'s pool into the variables; once, before the first step. */
  void load(Session session, ShowerData data) {
    try (Result done =
        session
            .runner()
            .feed(imagesIn, data.images())
            .feed(energiesIn, data.energies())
            .feed(anglesIn, data.angles())
            .feed(ecalsIn, data.ecals())
            .addTarget(load)
            .run()) {
      // Nothing fetched: the run's effect is the variables' new values.
    }
  }
}
