package io.wattsweep.worker.train.threedgan;

import io.wattsweep.worker.train.internal.Grid;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The discriminator's two outputs that hold no weights, computed from the image as the published
 * code's {@code ecal_sum} and {@code ecal_angle} do: the total deposit, and the shower's angle from
 * the barycentres of its layers. Both are differentiable, so the generator learns from them.
 *
 * <p>Where the code divides by a sum that may be zero it selects a fallback with {@code tf.where};
 * here the divisor is made safe first as well, so that the branch not taken cannot put a NaN into
 * the gradient. The values are the code's. (Its check for a zero projection is left out: the
 * projection is at least sqrt(1e-7), so the check never fires.)
 */
final class EcalOutputs {

  /** Cells are raised to this power before training (the code's {@code xpower}). */
  static final float POWER = 0.85f;

  /** The angle given to an event with no deposit, as in the code. */
  static final float EMPTY_ANGLE = 100f;

  /** Keras' {@code K.epsilon()}, which bounds the projection's square root away from zero. */
  private static final float EPSILON = 1e-7f;

  private EcalOutputs() {}

  /** The deposits again, (batch, x, y, z, 1): the images raised to 1 / {@link #POWER}. */
  static Operand<TFloat32> deposits(Ops tf, Operand<TFloat32> images) {
    return tf.math.pow(images, tf.constant(1f / POWER));
  }

  /** Total deposit per event, (batch, 1). */
  static Operand<TFloat32> sum(Ops tf, Operand<TFloat32> deposits) {
    return column(tf, tf.sum(deposits, axes(tf, 1, 2, 3, 4)));
  }

  /**
   * The angle per event, (batch, 1), in radians: the mean over layers, weighted by depth, of pi/2
   * minus the arctangent of the slope between each layer's barycentre and the event's.
   *
   * @param deposits (batch, x, y, z, 1) of {@code grid}'s shape
   */
  static Operand<TFloat32> angle(Ops tf, Operand<TFloat32> deposits, Grid grid) {
    var image = tf.squeeze(deposits, Squeeze.axis(List.of(4L)));
    var total = tf.sum(image, axes(tf, 1, 2, 3));
    var xs = tf.constant(centres(grid.x()));
    var ys = tf.constant(centres(grid.y()));
    var zs = tf.constant(centres(grid.z()));
    var xRef = column(tf, weightedMean(tf, tf.sum(image, axes(tf, 2, 3)), xs, total, 1f));
    var yRef = column(tf, weightedMean(tf, tf.sum(image, axes(tf, 1, 3)), ys, total, 1f));
    var zRef = column(tf, weightedMean(tf, tf.sum(image, axes(tf, 1, 2)), zs, total, 1f));

    // Per layer: its deposit and its barycentre across, (batch, z).
    var perLayer = tf.sum(image, axes(tf, 1, 2));
    var across = tf.constant(new int[] {-1, 1});
    var xMid =
        safeDivide(
            tf,
            tf.sum(tf.math.mul(tf.sum(image, axes(tf, 2)), tf.reshape(xs, across)), axes(tf, 1)),
            perLayer,
            0f);
    var yMid =
        safeDivide(
            tf,
            tf.sum(tf.math.mul(tf.sum(image, axes(tf, 1)), tf.reshape(ys, across)), axes(tf, 1)),
            perLayer,
            0f);
    var occupied =
        tf.select(tf.math.equal(perLayer, tf.constant(0f)), tf.constant(0f), tf.constant(1f));

    var dx = tf.math.sub(xMid, xRef);
    var dz = tf.math.sub(zs, zRef);
    var projection =
        tf.math.sqrt(
            tf.math.maximum(
                tf.math.add(tf.math.square(dx), tf.math.square(dz)), tf.constant(EPSILON)));
    var slope = tf.math.div(tf.math.sub(yMid, yRef), projection);
    var signed = tf.select(tf.math.less(zs, zRef), tf.math.neg(slope), slope);
    var perLayerAngle = tf.math.sub(tf.constant((float) (Math.PI / 2)), tf.math.atan(signed));
    var weights = tf.math.mul(zs, occupied);
    var mean =
        safeDivide(
            tf,
            tf.sum(tf.math.mul(perLayerAngle, weights), axes(tf, 1)),
            tf.sum(weights, axes(tf, 1)),
            0f);
    var angle = tf.select(tf.math.equal(total, tf.constant(0f)), tf.constant(EMPTY_ANGLE), mean);
    return column(tf, angle);
  }

  /** sum(values * positions) / total along the last axis, or {@code empty} where total is 0. */
  private static Operand<TFloat32> weightedMean(
      Ops tf,
      Operand<TFloat32> values,
      Operand<TFloat32> positions,
      Operand<TFloat32> total,
      float empty) {
    return safeDivide(tf, tf.sum(tf.math.mul(values, positions), axes(tf, 1)), total, empty);
  }

  /** a / b, or {@code fallback} where b is 0, with a finite gradient either way. */
  private static Operand<TFloat32> safeDivide(
      Ops tf, Operand<TFloat32> a, Operand<TFloat32> b, float fallback) {
    var zero = tf.math.equal(b, tf.constant(0f));
    var divisor = tf.select(zero, tf.constant(1f), b);
    return tf.select(zero, tf.constant(fallback), tf.math.div(a, divisor));
  }

  /** Cell centres in cell units: 0.5, 1.5, ... */
  private static float[] centres(int n) {
    float[] c = new float[n];
    for (int i = 0; i < n; i++) {
      c[i] = i + 0.5f;
    }
    return c;
  }

  private static Operand<TFloat32> column(Ops tf, Operand<TFloat32> x) {
    return tf.reshape(x, tf.constant(new int[] {-1, 1}));
  }

  private static Operand<TInt32> axes(Ops tf, int... axes) {
    return tf.constant(axes);
  }
}
