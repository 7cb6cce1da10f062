package io.wattsweep.worker.train.threedgan;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.Conv3dGradient;
import io.wattsweep.worker.train.internal.GanWorkload;
import io.wattsweep.worker.train.internal.Params;
import io.wattsweep.worker.train.internal.Placement;
import io.wattsweep.worker.train.internal.PrecisionPlan;
import io.wattsweep.worker.train.internal.Replica;
import io.wattsweep.worker.train.internal.Sessions;
import io.wattsweep.worker.train.internal.TrainingSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The variable-angle 3DGAN (Khattak et al., arXiv 2109.07388) training in TensorFlow graph mode on
 * synthetic calorimeter showers or a sweep's HDF5 files of Geant4 showers, as the published code
 * trains it: per batch, the discriminator is updated on the real showers and then on generated
 * ones, and the generator twice.
 */
public final class ThreeDGan extends GanWorkload<GanGraph> {

  /** Which network's weights to read back. */
  public enum Network {
    GENERATOR,
    DISCRIMINATOR
  }

  /** The updates of a step, in order. */
  enum Update {
    REAL,
    FAKE,
    GENERATOR
  }

  private static final Logger LOG = LoggerFactory.getLogger(ThreeDGan.class);

  private static final String FLOPS_METHOD =
      "analytic: 2 FLOPs per multiply-add of the convolutions and dense layers (batch norm,"
          + " activations, dropout, pooling, up-sampling and the ECAL outputs not counted); a"
          + " layer's backward = its forward for the input gradient + its forward for the weight"
          + " gradient, each only where an update needs it; a step = D on real (3D - D1) + D on"
          + " generated (G + 3D - D1) + 2 G updates (3G - Gdense + 2D each)";

  private final ShowerData data;

  private ThreeDGan(
      WorkloadSpec spec,
      Placement placement,
      GanDims dims,
      ShowerData data,
      TrainingSession<GanGraph> training) {
    super(
        training,
        info(
            spec.scale(),
            training.net.generator.params().count(),
            training.net.discriminator.params().count(),
            flopsPerStep(training.net.generator, training.net.discriminator, spec.batchSize()),
            FLOPS_METHOD));
    this.data = data;
    PrecisionPlan.Outcome precision = training.precision();
    LOG.info(
        "3dgan built: scale {}, images {}x{}x{}, batch {} on {} tower(s), pool of {} events from"
            + " {}, G {} and D {} parameters, {} FLOPs per step, precision {} asked, {} runs{}",
        spec.scale(),
        dims.image().x(),
        dims.image().y(),
        dims.image().z(),
        spec.batchSize(),
        placement.towers.count(),
        data.poolSize(),
        spec.dataset() == null ? "synthetic showers" : spec.dataset(),
        info().generatorParameters(),
        info().discriminatorParameters(),
        info().flopsPerStep(),
        spec.precision(),
        precision.ran(),
        precision.note().isEmpty() ? "" : " (" + precision.note() + ")");
  }

  private static ThreeDGan open(WorkloadSpec spec, Placement placement) {
    Conv3dGradient.register();
    GanDims dims = GanDims.of(spec.scale());
    ShowerData data = ShowerData.of(dims, spec.batchSize(), spec.seed(), spec.dataset());
    TrainingSession<GanGraph> training =
        TrainingSession.open(
            placement,
            data::close,
            graph ->
                new GanGraph(
                    graph,
                    dims,
                    spec.batchSize(),
                    data.poolSize(),
                    spec.seed(),
                    placement.towers,
                    placement.plan.dynamicLossScale(),
                    placement.plan.compute()),
            t -> t.net.pool.load(t.session, data),
            t -> executedGraphs(data, t.session, t.net));
    return new ThreeDGan(spec, placement, dims, data, training);
  }

  /**
   * Sizes and cost without training: builds the two networks' variables in a throwaway graph (no
   * session, no gradients), which takes well under a second at any scale.
   */
  public static ModelInfo describe(double scale, int batchSize) {
    GanDims dims = GanDims.of(scale);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Generator generator = new Generator(tf, dims, 0, Compute.FP32);
      Discriminator discriminator = new Discriminator(tf, dims, 0, Compute.FP32);
      return info(
          scale,
          generator.params().count(),
          discriminator.params().count(),
          flopsPerStep(generator, discriminator, batchSize),
          FLOPS_METHOD);
    }
  }

  /** Builds the graph, starts the session and initialises the weights from the seed. */
  public static ThreeDGan open(WorkloadSpec spec) {
    return open(spec, Placement.of(spec));
  }

  /**
   * Like {@link #open(WorkloadSpec)}, with the spec's towers all on the host's one CPU device: the
   * same ops on the same shapes, which is what towers on several devices must compute.
   */
  static ThreeDGan openOnOneDevice(WorkloadSpec spec) {
    return open(spec, Placement.onOneDevice(spec));
  }

  /**
   * One batch as the published loop trains it: the discriminator's two updates, then the
   * generator's two; the losses are each network's mean over its updates, before them.
   */
  @Override
  public StepLosses step() {
    try (TInt32 batch = data.nextIndices()) {
      return new StepLosses(discriminator(batch), generator(batch));
    }
  }

  /** Updates the discriminator alone on the next batch; returns its mean loss. */
  public double stepDiscriminator() {
    try (TInt32 batch = data.nextIndices()) {
      return discriminator(batch);
    }
  }

  /** Updates the generator alone on the next batch; returns its mean loss. */
  public double stepGenerator() {
    try (TInt32 batch = data.nextIndices()) {
      return generator(batch);
    }
  }

  /** All of a network's weights, flattened in variable order. */
  public float[] weights(Network network) {
    return Sessions.read(
        session,
        network == Network.GENERATOR
            ? net.generator.params().all()
            : net.discriminator.params().all());
  }

  /**
   * The mean gradients {@code update} would apply on the next batch, flattened in variable order;
   * applies nothing (random draws and the batch move on as in a step).
   */
  float[] gradients(Update update) {
    List<Operand<TFloat32>> gradients =
        switch (update) {
          case REAL -> net.realGradients;
          case FAKE -> net.fakeGradients;
          case GENERATOR -> net.generatorGradients;
        };
    try (TInt32 batch = data.nextIndices()) {
      return Sessions.read(fed(batch), gradients);
    }
  }

  /**
   * Runs {@code update} on the next batch as a step does and returns the partition graphs that ran,
   * one per device, each node with the device it ran on.
   */
  List<GraphDef> graphsRan(Update update) {
    try (TInt32 batch = data.nextIndices()) {
      Session.Runner runner =
          switch (update) {
            case REAL -> fed(batch).fetch(net.realLoss).addTarget(net.realUpdate);
            case FAKE -> fed(batch).fetch(net.fakeLoss).addTarget(net.fakeUpdate);
            case GENERATOR -> fed(batch).fetch(net.generatorLoss).addTarget(net.generatorUpdate);
          };
      return Sessions.executedGraphs(runner);
    }
  }

  /**
   * The generator's showers for {@code n} inputs ((n, latent) flat: energy, angle, noise), as
   * trained, with the n inputs' own batch-norm statistics.
   */
  float[] generate(float[] input, int n) {
    return generate(training.graph, session, net.generator, input, n);
  }

  /** What {@code generator} makes of {@code n} inputs, as one replica. */
  static float[] generate(Graph graph, Session session, Generator generator, float[] input, int n) {
    Replica one = new Replica(0, n, 0);
    return Sessions.generate(graph, session, (tf, in) -> generator.forward(tf, in, one), input, n);
  }

  @Override
  protected List<Variable<TFloat32>> generatorVariables() {
    return net.generator.params().all();
  }

  @Override
  public Optional<String> architecture() {
    var networks = new LinkedHashMap<String, Params>();
    networks.put("generator", net.generator.params());
    networks.put("discriminator", net.discriminator.params());
    return Optional.of(Params.describe(networks));
  }

  private double discriminator(TInt32 batch) {
    double real = run(net.realLoss, net.realUpdate, batch);
    return (real + run(net.fakeLoss, net.fakeUpdate, batch)) / 2;
  }

  private double generator(TInt32 batch) {
    double first = run(net.generatorLoss, net.generatorUpdate, batch);
    return (first + run(net.generatorLoss, net.generatorUpdate, batch)) / 2;
  }

  private double run(Operand<TFloat32> loss, Op update, TInt32 batch) {
    return TrainingSession.run(fed(batch), loss, update);
  }

  private Session.Runner fed(TInt32 batch) {
    return fed(session, net, batch);
  }

  private static Session.Runner fed(Session session, GanGraph net, TInt32 batch) {
    return session.runner().feed(net.indices, batch);
  }

  /** The graphs of a discriminator forward pass, which updates no weight. */
  private static List<GraphDef> executedGraphs(ShowerData data, Session session, GanGraph net) {
    try (TInt32 batch = data.nextIndices()) {
      return Sessions.executedGraphs(fed(session, net, batch).fetch(net.realLoss));
    }
  }

  private static ModelInfo info(
      double scale, long generator, long discriminator, long flops, String method) {
    return new ModelInfo(
        BuiltInModel.GAN_3D.wireName(), scale, generator, discriminator, flops, method);
  }

  /**
   * Per sample, with G and D a forward pass's multiply-adds: the discriminator on real showers
   * costs its forward, its weight gradients and its input gradients but the first layer's (3D -
   * D1); on generated ones, the generator's forward besides; a generator update costs both
   * forwards, the discriminator's input gradients, and the generator's weight and input gradients
   * but the dense layer's input's (3G - Gdense + 2D); the loop makes two.
   */
  private static long flopsPerStep(Generator g, Discriminator d, int batchSize) {
    long gMacs = g.macsPerSample();
    long dMacs = d.macsPerSample();
    long perSample =
        7 * gMacs - 2 * g.denseMacsPerSample() + 10 * dMacs - 2 * d.firstLayerMacsPerSample();
    return 2L * batchSize * perSample;
  }
}
