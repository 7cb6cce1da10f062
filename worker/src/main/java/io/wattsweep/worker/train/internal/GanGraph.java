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
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The 3DGAN training graph: one tower per device on its slice of the global batch, gradients
 * averaged across towers (what TensorFlow's MirroredStrategy does), and two separate RMSprop
 * updates, one per network's variables.
 */
final class GanGraph {

  static final float LEARNING_RATE = 1e-3f;

  /** The pooled showers and energies, and which of them make this batch. */
  final Placeholder<TFloat32> imagePool;

  final Placeholder<TFloat32> energyPool;
  final Placeholder<TInt32> indices;
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
    imagePool = tf.withName("image_pool").placeholder(TFloat32.class);
    energyPool = tf.withName("energy_pool").placeholder(TFloat32.class);
    indices = tf.withName("indices").placeholder(TInt32.class);
    generator = new Generator(tf, dims, seed);
    discriminator = new Discriminator(tf, dims, seed);

    int n = towers.count();
    var images = tf.gather(imagePool, indices, tf.constant(0));
    var energies = tf.gather(energyPool, indices, tf.constant(0));
    List<Operand<TFloat32>> towerImages = TowerGradients.split(tf, images, n);
    List<Operand<TFloat32>> towerEnergies = TowerGradients.split(tf, energies, n);
    // Noise is drawn for the global batch and split like the data, so that N towers see exactly
    // the samples one device would, and the averaged update is the same.
    List<Operand<TFloat32>> dNoise =
        TowerGradients.split(tf, noise(tf, batchSize, dims.latent(), seed, 1), n);
    List<Operand<TFloat32>> gNoise =
        TowerGradients.split(tf, noise(tf, batchSize, dims.latent(), seed, 2), n);
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

      var fake = generator.forward(t, dNoise.get(i), e);
      var dLoss =
          GanLosses.discriminator(
              t, discriminator.forward(t, real), discriminator.forward(t, fake), e);
      dLosses.add(dLoss);
      dGrads.add(
          TowerGradients.of(
              graph, t, "d_gradients" + i, dLoss, lossScale, discriminator.params().all()));

      var showers = generator.forward(t, gNoise.get(i), e);
      var gLoss = GanLosses.generator(t, discriminator.forward(t, showers), showers, e);
      gLosses.add(gLoss);
      gGrads.add(
          TowerGradients.of(
              graph, t, "g_gradients" + i, gLoss, lossScale, generator.params().all()));
    }
    discriminatorLoss = TowerGradients.average(tf.withName("discriminator_loss"), dLosses, 1f);
    generatorLoss = TowerGradients.average(tf.withName("generator_loss"), gLosses, 1f);
    discriminatorUpdate =
        RmsProp.apply(
            tf.withSubScope("discriminator_rmsprop"),
            discriminator.params().all(),
            TowerGradients.averageEach(tf, dGrads, lossScale),
            LEARNING_RATE);
    generatorUpdate =
        RmsProp.apply(
            tf.withSubScope("generator_rmsprop"),
            generator.params().all(),
            TowerGradients.averageEach(tf, gGrads, lossScale),
            LEARNING_RATE);
  }

  /** Fresh noise each run; seeded per op so a seed replays the same sequence. */
  static Operand<TFloat32> noise(Ops tf, long[] shape, long seed, long stream) {
    return tf.random.randomStandardNormal(
        tf.constant(shape),
        TFloat32.class,
        RandomStandardNormal.seed(seed),
        RandomStandardNormal.seed2(stream));
  }

  private static Operand<TFloat32> noise(Ops tf, long batch, int latent, long seed, long stream) {
    return noise(tf, new long[] {batch, latent}, seed, stream);
  }
}
