package io.wattsweep.worker.train.threedgan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.worker.train.internal.Grid;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class EcalOutputsTest {

  /** Six layers: the event's depth barycentre (3.0) falls between two layers, not on one. */
  private static final Grid GRID = new Grid(8, 8, 6, 1);

  /**
   * A track that moves cot(angle) cells across per layer, each layer's unit deposit split between
   * two cells so that its barycentre sits exactly on the track, reads back as that angle.
   */
  @Test
  void angleOfAStraightTrackIsItsInclination() {
    for (double degrees : new double[] {60, 75, 90, 110, 120}) {
      double slope = 1 / Math.tan(Math.toRadians(degrees));
      float[] image = new float[Math.toIntExact(GRID.size())];
      for (int k = 0; k < GRID.z(); k++) {
        double y = 3 + slope * (k - 2.5);
        int cell = (int) Math.floor(y);
        double frac = y - cell;
        image[index(4, cell, k)] = (float) (1 - frac);
        image[index(4, cell + 1, k)] = (float) frac;
      }
      try (Probe p = new Probe()) {
        assertEquals(Math.toRadians(degrees), p.angle(image), 1e-5, degrees + " degrees");
        assertEquals(GRID.z(), p.sum(image), 1e-5);
      }
    }
  }

  /** The code's value for an empty event, 100, with a finite (zero) gradient. */
  @Test
  void emptyEventHasAngle100AndAFiniteGradient() {
    float[] empty = new float[Math.toIntExact(GRID.size())];
    try (Probe p = new Probe()) {
      assertEquals(EcalOutputs.EMPTY_ANGLE, p.angle(empty), 0);
      for (float g : p.gradient(empty)) {
        assertEquals(0f, g, 0f, "gradient of an empty event's angle");
      }
    }
  }

  /** d angle / d cell against central differences, on an event with some empty layers. */
  @Test
  void angleGradientMatchesFiniteDifferences() {
    SplittableRandom random = new SplittableRandom(5);
    float[] image = new float[Math.toIntExact(GRID.size())];
    for (int i = 0; i < image.length; i++) {
      // Layer 0 stays empty: the divisions by a zero layer sum must not spoil the gradient.
      image[i] = i % GRID.z() == 0 ? 0f : (float) (0.5 + random.nextDouble());
    }
    float step = 1e-2f;
    try (Probe p = new Probe()) {
      float[] gradient = p.gradient(image);
      for (int i = 0; i < image.length; i++) {
        assertTrue(Float.isFinite(gradient[i]), "gradient[" + i + "]");
        if (i % GRID.z() == 0) {
          // A cell of an empty layer sits at a kink (the layer enters the mean): skip it.
          continue;
        }
        float kept = image[i];
        image[i] = kept + step;
        double up = p.angle(image);
        image[i] = kept - step;
        double down = p.angle(image);
        image[i] = kept;
        double numeric = (up - down) / (2 * step);
        assertEquals(numeric, gradient[i], 1e-4 + 1e-2 * Math.abs(numeric), "cell " + i);
      }
    }
  }

  private static int index(int x, int y, int z) {
    return (x * GRID.y() + y) * GRID.z() + z;
  }

  /** The two outputs and the angle's gradient for one event of {@link #GRID}'s shape. */
  private static final class Probe implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TFloat32> deposits;
    private final Operand<TFloat32> angle;
    private final Operand<TFloat32> sum;
    private final Output<?> gradient;

    Probe() {
      Ops tf = Ops.create(graph);
      deposits = tf.placeholder(TFloat32.class);
      angle = EcalOutputs.angle(tf, deposits, GRID);
      sum = EcalOutputs.sum(tf, deposits);
      gradient = graph.addGradients(angle.asOutput(), new Output<?>[] {deposits.asOutput()})[0];
      session = new Session(graph);
    }

    double angle(float[] image) {
      return fetch(image, angle.asOutput())[0];
    }

    double sum(float[] image) {
      return fetch(image, sum.asOutput())[0];
    }

    float[] gradient(float[] image) {
      return fetch(image, gradient);
    }

    private float[] fetch(float[] image, Output<?> out) {
      try (TFloat32 t =
              TFloat32.tensorOf(Shape.of(GRID.batchShape(1)), DataBuffers.of(image, true, false));
          Result r = session.runner().feed(deposits, t).fetch(out).run()) {
        TFloat32 v = (TFloat32) r.get(0);
        float[] values = new float[Math.toIntExact(v.size())];
        v.asRawTensor().data().asFloats().read(values);
        return values;
      }
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }
}
