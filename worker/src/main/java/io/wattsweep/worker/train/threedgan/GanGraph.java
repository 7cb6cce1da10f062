package io.wattsweep.worker.train.threedgan;

import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.LossScale;
import io.wattsweep.worker.train.internal.Replica;
import io.wattsweep.worker.train.internal.RmsProp;
import io.wattsweep.worker.train.internal.TowerGradients;
import io.wattsweep.worker.train.internal.Towers;
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
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The 3DGAN training graph, one update per session run as the published training loop makes them
 * for each batch: the discriminator on the real showers, the discriminator on generated ones, and
 * (run twice, with fresh noise) the generator through the discriminator. Each update runs one tower
 * per device on its slice of the global batch, averages the towers' gradients (what TensorFlow's
 * MirroredStrategy does) and applies them with RMSprop to one network's variables.
 */
final class GanGraph {

  static final float LEARNING_RATE = 1e-3f;

  // Random streams: the generator's noise per pass, and the first of four dropout streams per
  // discriminator pass.
  private static final long FAKE_NOISE = 1;
  private static final long GENERATOR_NOISE = 2;
  private static final long REAL_DROPOUT = 10;
  private static final long FAKE_DROPOUT = 20;
  private static final long GENERATOR_DROPOUT = 30;

  /** The pooled showers and their labels on the device, and which of them make this batch. */
  final DevicePool pool;

  final Placeholder<TInt32> indices;
  final Generator generator;
  final Discriminator discriminator;
  final Operand<TFloat32> realLoss;
  final Operand<TFloat32> fakeLoss;
  final Operand<TFloat32> generatorLoss;
  final Op realUpdate;
  final Op fakeUpdate;
  final Op generatorUpdate;

  /** What each update applies: the towers' mean gradients, per variable. */
  final List<Operand<TFloat32>> realGradients;

  final List<Operand<TFloat32>> fakeGradients;
  final List<Operand<TFloat32>> generatorGradients;

  /** The discriminator's optimizer's loss scale, shared by its two updates, and the generator's. */
  final LossScale discriminatorScale;

  final LossScale generatorScale;

  /**
   * @param poolSize how many events the pool holds
   * @param towers one replica each, with its slice of the batch, its own batch-norm statistics and
   *     its own random draws
   * @param dynamicLossScale whether each optimizer scales its losses for fp16 (see {@link
   *     LossScale})
   * @param compute what the networks' convolutions and matrix products compute in
   */
  GanGraph(
      Graph graph,
      GanDims dims,
      int batchSize,
      long poolSize,
      long seed,
      Towers towers,
      boolean dynamicLossScale,
      Compute compute) {
    int n = towers.count();
    if (batchSize % n != 0) {
      throw new IllegalArgumentException(
          "batchSize must be divisible by the towers (" + n + "): " + batchSize);
    }
    Ops tf = Ops.create(graph);
    pool = new DevicePool(tf, dims.image(), poolSize);
    indices = tf.withName("indices").placeholder(TInt32.class);
    generator = new Generator(tf, dims, seed, compute);
    discriminator = new Discriminator(tf, dims, seed, compute);

    List<Operand<TFloat32>> images = batch(tf, pool.images, n);
    List<Operand<TFloat32>> energies = batch(tf, pool.energies, n);
    List<Operand<TFloat32>> angles = batch(tf, pool.angles, n);
    List<Operand<TFloat32>> ecals = batch(tf, pool.ecals, n);
    List<Operand<TFloat32>> realLosses = new ArrayList<>();
    List<Operand<TFloat32>> fakeLosses = new ArrayList<>();
    List<Operand<TFloat32>> gLosses = new ArrayList<>();
    List<List<Output<?>>> realGrads = new ArrayList<>();
    List<List<Output<?>>> fakeGrads = new ArrayList<>();
    List<List<Output<?>>> gGrads = new ArrayList<>();
    List<Variable<TFloat32>> dVars = discriminator.params().all();
    List<Variable<TFloat32>> gVars = generator.params().all();
    Ops dOpt = tf.withSubScope("discriminator_rmsprop");
    Ops gOpt = tf.withSubScope("generator_rmsprop");
    discriminatorScale = dynamicLossScale ? LossScale.dynamic(dOpt) : LossScale.off();
    generatorScale = dynamicLossScale ? LossScale.dynamic(gOpt) : LossScale.off();
    for (int i = 0; i < n; i++) {
      DeviceSpec device = towers.device(i);
      Ops t = tf.withSubScope("tower" + i);
      t = device == null ? t : t.withDevice(device);
      Replica replica = new Replica(i, batchSize / n, seed);
      var targets = new GanLosses.Targets(energies.get(i), angles.get(i), ecals.get(i));

      var real = discriminator.forward(t, images.get(i), replica, REAL_DROPOUT);
      var realLoss = GanLosses.of(t, real, true, targets);
      realLosses.add(realLoss);
      realGrads.add(
          TowerGradients.of(graph, t, "real_gradients" + i, realLoss, discriminatorScale, dVars));

      var fakes = generator.forward(t, input(t, replica, targets, dims, FAKE_NOISE), replica);
      var fake = discriminator.forward(t, fakes, replica, FAKE_DROPOUT);
      var fakeLoss = GanLosses.of(t, fake, false, targets);
      fakeLosses.add(fakeLoss);
      fakeGrads.add(
          TowerGradients.of(graph, t, "fake_gradients" + i, fakeLoss, discriminatorScale, dVars));

      var showers =
          generator.forward(t, input(t, replica, targets, dims, GENERATOR_NOISE), replica);
      var judged = discriminator.forward(t, showers, replica, GENERATOR_DROPOUT);
      var gLoss = GanLosses.of(t, judged, true, targets);
      gLosses.add(gLoss);
      gGrads.add(TowerGradients.of(graph, t, "g_gradients" + i, gLoss, generatorScale, gVars));
    }
    realLoss = TowerGradients.average(tf.withName("real_loss"), realLosses);
    fakeLoss = TowerGradients.average(tf.withName("fake_loss"), fakeLosses);
    generatorLoss = TowerGradients.average(tf.withName("generator_loss"), gLosses);
    RmsProp dRmsProp = new RmsProp(dOpt, dVars, LEARNING_RATE);
    RmsProp gRmsProp = new RmsProp(gOpt, gVars, LEARNING_RATE);
    realGradients = TowerGradients.averageEach(tf, realGrads, discriminatorScale);
    fakeGradients = TowerGradients.averageEach(tf, fakeGrads, discriminatorScale);
    generatorGradients = TowerGradients.averageEach(tf, gGrads, generatorScale);
    realUpdate = discriminatorScale.guard(dOpt, realGradients, g -> dRmsProp.update(dOpt, g));
    fakeUpdate = discriminatorScale.guard(dOpt, fakeGradients, g -> dRmsProp.update(dOpt, g));
    generatorUpdate = generatorScale.guard(gOpt, generatorGradients, g -> gRmsProp.update(gOpt, g));
  }

  /** The batch gathered from a pool, split across the towers. */
  private List<Operand<TFloat32>> batch(Ops tf, Operand<TFloat32> pool, int towers) {
    return TowerGradients.split(tf, tf.gather(pool, indices, tf.constant(0)), towers);
  }

  /** The generator's input as the published training builds it: energy, angle, then noise. */
  private static Operand<TFloat32> input(
      Ops tf, Replica replica, GanLosses.Targets targets, GanDims dims, long stream) {
    var noise = replica.normal(tf, stream, dims.noise());
    return tf.concat(List.of(targets.energy(), targets.angle(), noise), tf.constant(1));
  }
}
