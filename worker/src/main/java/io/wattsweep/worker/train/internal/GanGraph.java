package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;

/**
 * The 3DGAN training graph: one tower per device on its slice of the global batch, gradients
 * averaged across towers (what TensorFlow's MirroredStrategy does), and two separate RMSprop
 * updates, one per network's variables.
 */
final class GanGraph {

  static final float LEARNING_RATE = 1e-3f;

  final Placeholder<TFloat32> images;
  final Placeholder<TFloat32> energies;
  final Generator generator;
  final Discriminator discriminator;
  final Operand<TFloat32> discriminatorLoss;
  final Operand<TFloat32> generatorLoss;
  final Op discriminatorUpdate;
  final Op generatorUpdate;

  /**
   * @param lossScale multiplies the losses before differentiation and divides the gradients after
   */
  GanGraph(Graph graph, GanDims dims, int batchSize, long seed, Towers towers, float lossScale) {
    Ops tf = Ops.create(graph);
    images = tf.withName("images").placeholder(TFloat32.class);
    energies = tf.withName("energies").placeholder(TFloat32.class);
    generator = new Generator(tf, dims, seed);
    discriminator = new Discriminator(tf, dims, seed);

    int n = towers.count();
    long perTower = batchSize / n;
    List<Operand<TFloat32>> towerImages = split(tf, images, n);
    List<Operand<TFloat32>> towerEnergies = split(tf, energies, n);
    List<Operand<TFloat32>> dLosses = new ArrayList<>();
    List<Operand<TFloat32>> gLosses = new ArrayList<>();
    List<List<Output<?>>> dGrads = new ArrayList<>();
    List<List<Output<?>>> gGrads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DeviceSpec device = towers.device(i);
      Ops t = tf.withSubScope("tower" + i);
      t = device == null ? t : t.withDevice(device);
      Operand<TFloat32> e = towerEnergies.get(i);
      Operand<TFloat32> real = towerImages.get(i);

      var dNoise = noise(t, perTower, dims.latent(), seed, 2L * i + 1);
      var fake = generator.forward(t, dNoise, e);
      var dLoss =
          GanLosses.discriminator(
              t, discriminator.forward(t, real), discriminator.forward(t, fake), e);
      dLosses.add(dLoss);
      dGrads.add(
          gradients(graph, t, "d_gradients" + i, dLoss, lossScale, discriminator.params().all()));

      var gNoise = noise(t, perTower, dims.latent(), seed, 2L * i + 2);
      var showers = generator.forward(t, gNoise, e);
      var gLoss = GanLosses.generator(t, discriminator.forward(t, showers), showers, e);
      gLosses.add(gLoss);
      gGrads.add(
          gradients(graph, t, "g_gradients" + i, gLoss, lossScale, generator.params().all()));
    }
    discriminatorLoss = average(tf.withName("discriminator_loss"), dLosses, 1f);
    generatorLoss = average(tf.withName("generator_loss"), gLosses, 1f);
    discriminatorUpdate =
        RmsProp.apply(
            tf.withSubScope("discriminator_rmsprop"),
            discriminator.params().all(),
            averageEach(tf, dGrads, lossScale),
            LEARNING_RATE);
    generatorUpdate =
        RmsProp.apply(
            tf.withSubScope("generator_rmsprop"),
            generator.params().all(),
            averageEach(tf, gGrads, lossScale),
            LEARNING_RATE);
  }

  /** Fresh latent noise each run; seeded per op so a seed replays the same sequence. */
  private static Operand<TFloat32> noise(Ops tf, long batch, int latent, long seed, long stream) {
    return tf.random.randomStandardNormal(
        tf.constant(new long[] {batch, latent}),
        TFloat32.class,
        RandomStandardNormal.seed(seed),
        RandomStandardNormal.seed2(stream));
  }

  private static List<Operand<TFloat32>> split(Ops tf, Operand<TFloat32> x, int n) {
    List<Operand<TFloat32>> parts = new ArrayList<>();
    if (n == 1) {
      parts.add(x);
      return parts;
    }
    tf.split(tf.constant(0), x, (long) n).forEach(parts::add);
    return parts;
  }

  /** d(scale * loss)/d(variables); every variable must be reachable, or the graph is wrong. */
  private static List<Output<?>> gradients(
      Graph graph,
      Ops tf,
      String prefix,
      Operand<TFloat32> loss,
      float lossScale,
      List<Variable<TFloat32>> variables) {
    Operand<TFloat32> scaled = lossScale == 1f ? loss : tf.math.mul(loss, tf.constant(lossScale));
    Output<?>[] xs = new Output<?>[variables.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = variables.get(i).asOutput();
    }
    Output<?>[] grads = graph.addGradients(prefix, new Output<?>[] {scaled.asOutput()}, xs, null);
    for (int i = 0; i < grads.length; i++) {
      if (grads[i] == null) {
        throw new IllegalStateException(
            "no gradient reaches " + variables.get(i).op().name() + " from " + prefix);
      }
    }
    return List.of(grads);
  }

  /** Per variable, the mean over towers of its gradient, with the loss scale undone. */
  @SuppressWarnings("unchecked")
  private static List<Operand<TFloat32>> averageEach(
      Ops tf, List<List<Output<?>>> perTower, float lossScale) {
    List<Operand<TFloat32>> averaged = new ArrayList<>();
    for (int v = 0; v < perTower.get(0).size(); v++) {
      List<Operand<TFloat32>> parts = new ArrayList<>();
      for (List<Output<?>> tower : perTower) {
        parts.add((Output<TFloat32>) tower.get(v));
      }
      averaged.add(average(tf, parts, lossScale));
    }
    return averaged;
  }

  private static Operand<TFloat32> average(Ops tf, List<Operand<TFloat32>> parts, float scale) {
    float factor = 1f / (parts.size() * scale);
    if (factor == 1f) {
      return tf.identity(parts.get(0));
    }
    Operand<TFloat32> sum = parts.size() == 1 ? parts.get(0) : tf.math.addN(parts);
    return tf.math.mul(sum, tf.constant(factor));
  }
}
