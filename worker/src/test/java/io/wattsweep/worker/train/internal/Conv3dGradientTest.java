package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;

class Conv3dGradientTest {

  private static final long[] INPUT = {2, 5, 4, 3, 2};
  private static final long[] FILTER = {3, 2, 3, 2, 3};
  private static final double STEP = 1e-3;

  /** loss = sum(conv3d(x, w) * r) for a fixed random r, differentiated both ways in float64. */
  @ParameterizedTest
  @CsvSource({"SAME, 1", "SAME, 2", "VALID, 1", "VALID, 2"})
  void conv3dCustomGradientMatchesFiniteDifferences(String padding, long stride) {
    Conv3dGradient.register();
    SplittableRandom random = new SplittableRandom(7);
    double[] x = gaussian(random, INPUT);
    double[] w = gaussian(random, FILTER);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat64> xp = tf.placeholder(TFloat64.class);
      Placeholder<TFloat64> wp = tf.placeholder(TFloat64.class);
      var y = tf.nn.conv3d(xp, wp, List.of(1L, stride, stride, stride, 1L), padding);
      // Weights for the output cells; constant, so no gradient should flow into them.
      var r =
          tf.stopGradient(
              tf.random.statelessRandomNormal(
                  tf.shape(y), tf.constant(new long[] {3, 4}), TFloat64.class));
      var loss = tf.sum(tf.math.mul(y, r), tf.constant(new int[] {0, 1, 2, 3, 4}));
      Output<?>[] grads =
          g.addGradients(loss.asOutput(), new Output<?>[] {xp.asOutput(), wp.asOutput()});
      try (Session s = new Session(g)) {
        double[] dx = fetch(s, xp, x, wp, w, grads[0]);
        double[] dw = fetch(s, xp, x, wp, w, grads[1]);
        for (int i = 0; i < x.length; i++) {
          assertEquals(
              centralDifference(s, xp, x, wp, w, loss.asOutput(), x, i),
              dx[i],
              1e-8,
              "d loss / d input[" + i + "]");
        }
        for (int i = 0; i < w.length; i++) {
          assertEquals(
              centralDifference(s, xp, x, wp, w, loss.asOutput(), w, i),
              dw[i],
              1e-8,
              "d loss / d filter[" + i + "]");
        }
      }
    }
  }

  private static double centralDifference(
      Session s,
      Placeholder<TFloat64> xp,
      double[] x,
      Placeholder<TFloat64> wp,
      double[] w,
      Output<?> loss,
      double[] perturbed,
      int i) {
    double kept = perturbed[i];
    perturbed[i] = kept + STEP;
    double up = fetch(s, xp, x, wp, w, loss)[0];
    perturbed[i] = kept - STEP;
    double down = fetch(s, xp, x, wp, w, loss)[0];
    perturbed[i] = kept;
    return (up - down) / (2 * STEP);
  }

  private static double[] fetch(
      Session s,
      Placeholder<TFloat64> xp,
      double[] x,
      Placeholder<TFloat64> wp,
      double[] w,
      Output<?> out) {
    try (TFloat64 xt = TFloat64.tensorOf(Shape.of(INPUT), DataBuffers.of(x, true, false));
        TFloat64 wt = TFloat64.tensorOf(Shape.of(FILTER), DataBuffers.of(w, true, false));
        Result result = s.runner().feed(xp, xt).feed(wp, wt).fetch(out).run()) {
      TFloat64 t = (TFloat64) result.get(0);
      double[] values = new double[Math.toIntExact(t.size())];
      t.asRawTensor().data().asDoubles().read(values);
      return values;
    }
  }

  private static double[] gaussian(SplittableRandom random, long[] shape) {
    double[] values = new double[Math.toIntExact(Shape.of(shape).size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextGaussian();
    }
    return values;
  }
}
