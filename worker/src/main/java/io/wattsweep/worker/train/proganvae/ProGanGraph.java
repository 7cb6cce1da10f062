package io.wattsweep.worker.train.proganvae;

import io.wattsweep.worker.train.internal.Adam;
import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.GradientBarrier;
import io.wattsweep.worker.train.internal.LossScale;
import io.wattsweep.worker.train.internal.TowerGradients;
import io.wattsweep.worker.train.internal.Towers;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The VAE-ProGAN training graph. A discriminator step scores real and generated tiles with the
 * local critic and real and generated 2 x 2 contexts with the global critic, each with its own
 * WGAN-GP loss and its own Adam; a generator step takes the generator's loss through both critics
 * and applies it to the generator with its own Adam. The encoder is frozen: it only encodes the
 * neighbours. Data parallel as the 3DGAN: one tower per device, gradients averaged.
 */
final class ProGanGraph {

  /** The pooled 2 x 2 contexts, and which of them make this batch. */
  final Placeholder<TFloat32> contextPool;

  final Placeholder<TInt32> indices;
  final TileEncoder encoder;
  final TileGenerator generator;
  final TileCritic localCritic;
  final TileCritic globalCritic;
  final Operand<TFloat32> localLoss;
  final Operand<TFloat32> globalLoss;

  /** Local plus global critic loss. */
  final Operand<TFloat32> discriminatorLoss;

  /** Adversarial terms through both critics. */
  final Operand<TFloat32> generatorLoss;

  final Op localUpdate;
  final Op globalUpdate;
  final Op generatorUpdate;

  /** Both critics' updates. */
  final Op discriminatorStep;

  /** Each optimizer's loss scale: the local critic's, the global critic's, the generator's. */
  final LossScale localScale;

  final LossScale globalScale;
  final LossScale generatorScale;

  /** A tower's scenes cut into the three neighbours and the tile to generate. */
  private record Scene(
      Operand<TFloat32> topLeft,
      Operand<TFloat32> topRight,
      Operand<TFloat32> bottomLeft,
      Operand<TFloat32> target) {

    static Scene cut(Ops tf, Operand<TFloat32> context, int tile) {
      return new Scene(
          quarter(tf, context, 0, 0, tile),
          quarter(tf, context, 0, tile, tile),
          quarter(tf, context, tile, 0, tile),
          quarter(tf, context, tile, tile, tile));
    }

    /** The context with {@code tile} in the bottom-right place. */
    Operand<TFloat32> with(Ops tf, Operand<TFloat32> tile) {
      var top = tf.concat(List.of(topLeft, topRight), tf.constant(2));
      var bottom = tf.concat(List.of(bottomLeft, tile), tf.constant(2));
      return tf.concat(List.of(top, bottom), tf.constant(1));
    }

    private static Operand<TFloat32> quarter(
        Ops tf, Operand<TFloat32> context, int row, int column, int tile) {
      return tf.stridedSlice(
          context,
          Indices.all(),
          Indices.range(row, row + tile),
          Indices.range(column, column + tile),
          Indices.all());
    }
  }

  /**
   * @param dynamicLossScale whether each optimizer scales its losses for fp16 (see {@link
   *     LossScale})
   * @param compute what the networks' convolutions and matrix products compute in
   */
  ProGanGraph(
      Graph graph,
      ProGanDims d,
      int batchSize,
      long seed,
      Towers towers,
      boolean dynamicLossScale,
      Compute compute) {
    Ops tf = Ops.create(graph);
    contextPool = tf.withName("context_pool").placeholder(TFloat32.class);
    indices = tf.withName("indices").placeholder(TInt32.class);
    encoder = new TileEncoder(tf, d, seed, compute);
    generator = new TileGenerator(tf, d, seed, compute);
    localCritic = new TileCritic(tf, "local_critic", d, d.tile(), seed, 13, compute);
    globalCritic = new TileCritic(tf, "global_critic", d, d.context(), seed, 14, compute);
    localScale = scale(tf, "local_critic_adam", dynamicLossScale);
    globalScale = scale(tf, "global_critic_adam", dynamicLossScale);
    generatorScale = scale(tf, "generator_adam", dynamicLossScale);

    int n = towers.count();
    int perTower = batchSize / n;
    List<Operand<TFloat32>> contexts =
        TowerGradients.split(tf, tf.gather(contextPool, indices, tf.constant(0)), n);
    // Random inputs are drawn for the global batch and split like the data.
    List<Operand<TFloat32>> dNoise = noise(tf, d, batchSize, n, seed, 1);
    List<Operand<TFloat32>> gNoise = noise(tf, d, batchSize, n, seed, 5);
    List<Operand<TFloat32>> localMix = TowerGradients.split(tf, mix(tf, batchSize, seed, 9), n);
    List<Operand<TFloat32>> globalMix = TowerGradients.split(tf, mix(tf, batchSize, seed, 10), n);

    List<Operand<TFloat32>> localLosses = new ArrayList<>();
    List<Operand<TFloat32>> globalLosses = new ArrayList<>();
    List<Operand<TFloat32>> generatorLosses = new ArrayList<>();
    List<List<Output<?>>> localGrads = new ArrayList<>();
    List<List<Output<?>>> globalGrads = new ArrayList<>();
    List<List<Output<?>>> generatorGrads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DeviceSpec device = towers.device(i);
      Ops t = tf.withSubScope("tower" + i);
      t = device == null ? t : t.withDevice(device);
      Operand<TFloat32> context = contexts.get(i);
      Scene scene = Scene.cut(t, context, d.tile());

      Operand<TFloat32> fake = generate(t, scene, dNoise.get(i));
      var local =
          ProGanLosses.critic(
              graph,
              t,
              "local_penalty" + i,
              localCritic,
              scene.target(),
              fake,
              localMix.get(i),
              perTower);
      var global =
          ProGanLosses.critic(
              graph,
              t,
              "global_penalty" + i,
              globalCritic,
              context,
              scene.with(t, fake),
              globalMix.get(i),
              perTower);
      localLosses.add(local);
      globalLosses.add(global);
      localGrads.add(
          TowerGradients.of(
              graph, t, "local_gradients" + i, local, localScale, localCritic.params().all()));
      globalGrads.add(
          TowerGradients.of(
              graph, t, "global_gradients" + i, global, globalScale, globalCritic.params().all()));

      Operand<TFloat32> tile = generate(t, scene, gNoise.get(i));
      var gLoss =
          ProGanLosses.generator(
              t,
              localCritic.forward(t, tile, perTower),
              globalCritic.forward(t, scene.with(t, tile), perTower));
      generatorLosses.add(gLoss);
      generatorGrads.add(
          TowerGradients.of(
              graph,
              t,
              "generator_gradients" + i,
              gLoss,
              generatorScale,
              generator.params().all()));
    }
    localLoss = TowerGradients.average(tf.withName("local_critic_loss"), localLosses);
    globalLoss = TowerGradients.average(tf.withName("global_critic_loss"), globalLosses);
    discriminatorLoss = tf.withName("discriminator_loss").math.add(localLoss, globalLoss);
    generatorLoss = TowerGradients.average(tf.withName("generator_loss"), generatorLosses);

    localUpdate =
        update(tf, "local_critic_adam", localCritic.params().all(), localGrads, localScale);
    globalUpdate =
        update(tf, "global_critic_adam", globalCritic.params().all(), globalGrads, globalScale);
    generatorUpdate =
        update(tf, "generator_adam", generator.params().all(), generatorGrads, generatorScale);
    discriminatorStep = tf.withControlDependencies(List.of(localUpdate, globalUpdate)).noOp();
  }

  /**
   * Encodes the three neighbours (in one batch: the encoder is shared) and generates the tile from
   * the noise and their encodings.
   */
  private Operand<TFloat32> generate(Ops tf, Scene scene, Operand<TFloat32> noise) {
    var neighbours =
        tf.concat(List.of(scene.topLeft(), scene.topRight(), scene.bottomLeft()), tf.constant(0));
    List<Operand<TFloat32>> input = new ArrayList<>();
    input.add(noise);
    tf.split(tf.constant(0), encoder.forward(tf, neighbours), 3L).forEach(input::add);
    return generator.forward(tf, tf.concat(input, tf.constant(3)));
  }

  /**
   * The generator's noise for the global batch, split per tower: fresh each run, seeded per op
   * (stream {@code s}) so a seed replays the same sequence.
   */
  private static List<Operand<TFloat32>> noise(
      Ops tf, ProGanDims d, int batch, int towers, long seed, long s) {
    long[] shape = {batch, ProGanDims.BASE, ProGanDims.BASE, d.encoding()};
    Operand<TFloat32> noise =
        tf.random.randomStandardNormal(
            tf.constant(shape),
            TFloat32.class,
            RandomStandardNormal.seed(seed),
            RandomStandardNormal.seed2(s));
    return TowerGradients.split(tf, noise, towers);
  }

  /** Per-sample interpolation weights for the gradient penalty, uniform in [0, 1). */
  private static Operand<TFloat32> mix(Ops tf, int batch, long seed, long stream) {
    return tf.random.randomUniform(
        tf.constant(new long[] {batch, 1, 1, 1}),
        TFloat32.class,
        RandomUniform.seed(seed),
        RandomUniform.seed2(stream));
  }

  private static Op update(
      Ops tf,
      String name,
      List<Variable<TFloat32>> variables,
      List<List<Output<?>>> perTower,
      LossScale lossScale) {
    Ops scope = tf.withSubScope(name);
    return lossScale.guard(
        scope,
        TowerGradients.averageEach(tf, perTower, lossScale),
        gradients -> {
          GradientBarrier barrier = GradientBarrier.of(scope, gradients);
          return Adam.apply(scope, barrier, variables, barrier.ready(), Adam.Settings.PROGAN);
        });
  }

  private static LossScale scale(Ops tf, String optimizer, boolean dynamic) {
    return dynamic ? LossScale.dynamic(tf.withSubScope(optimizer)) : LossScale.off();
  }
}
