package io.wattsweep.worker.train.internal;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A reduced-scale 3DGAN (Khattak et al., arXiv 2109.07388) training in TensorFlow graph mode on
 * synthetic calorimeter showers.
 */
public final class ThreeDGan implements Workload {

  /** Which network's weights to read back. */
  public enum Network {
    GENERATOR,
    DISCRIMINATOR
  }

  private static final Logger LOG = LoggerFactory.getLogger(ThreeDGan.class);

  private static final String FLOPS_METHOD =
      "analytic: 2 FLOPs per multiply-add of every convolution and dense layer, backward = 2x"
          + " forward; a step = D update (G forward, D forward and backward on real and"
          + " generated) + G update (G and D forward and backward)";

  private final Graph graph;
  private final GanGraph net;
  private final Session session;
  private final ShowerData data;
  private final ModelInfo info;
  private final PrecisionPlan.Outcome precision;
  private boolean closed;

  private ThreeDGan(WorkloadSpec spec) {
    Conv3dGradient.register();
    Placement placement = Placement.of(spec);
    GanDims dims = GanDims.of(spec.scale());
    data = new ShowerData(dims, spec.batchSize(), spec.seed());
    graph = new Graph();
    try {
      net =
          new GanGraph(
              graph,
              dims,
              spec.batchSize(),
              spec.seed(),
              placement.towers,
              placement.plan.lossScale());
      session = placement.open(graph);
    } catch (RuntimeException e) {
      graph.close();
      data.close();
      throw e;
    }
    try {
      session.initialize();
      precision = placement.resolve(this::executedGraphs);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    info =
        info(
            spec.scale(),
            net.generator.params().count(),
            net.discriminator.params().count(),
            flopsPerStep(
                net.generator.macsPerSample(), net.discriminator.macsPerSample(), spec.batchSize()),
            FLOPS_METHOD);
    LOG.info(
        "3dgan built: scale {}, images {}x{}x{}, batch {} on {} tower(s), G {} and D {} parameters,"
            + " {} FLOPs per step, precision {} asked, {} runs{}",
        spec.scale(),
        dims.imageXy(),
        dims.imageXy(),
        dims.imageZ(),
        spec.batchSize(),
        placement.towers.count(),
        info.generatorParameters(),
        info.discriminatorParameters(),
        info.flopsPerStep(),
        spec.precision(),
        precision.ran(),
        precision.note().isEmpty() ? "" : " (" + precision.note() + ")");
  }

  /**
   * Sizes and cost without training: builds the two networks' variables in a throwaway graph (no
   * session, no gradients), which takes well under a second at any scale.
   */
  public static ModelInfo describe(double scale, int batchSize) {
    GanDims dims = GanDims.of(scale);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Generator generator = new Generator(tf, dims, 0);
      Discriminator discriminator = new Discriminator(tf, dims, 0);
      return info(
          scale,
          generator.params().count(),
          discriminator.params().count(),
          flopsPerStep(generator.macsPerSample(), discriminator.macsPerSample(), batchSize),
          FLOPS_METHOD);
    }
  }

  /** Builds the graph, starts the session and initialises the weights from the seed. */
  public static ThreeDGan open(WorkloadSpec spec) {
    return new ThreeDGan(spec);
  }

  @Override
  public StepLosses step() {
    try (TInt32 batch = data.nextIndices()) {
      double d = run(net.discriminatorLoss, net.discriminatorUpdate, batch);
      double g = run(net.generatorLoss, net.generatorUpdate, batch);
      return new StepLosses(d, g);
    }
  }

  /** Updates the discriminator alone on the next batch; returns its loss before the update. */
  public double stepDiscriminator() {
    try (TInt32 batch = data.nextIndices()) {
      return run(net.discriminatorLoss, net.discriminatorUpdate, batch);
    }
  }

  /** Updates the generator alone on the next batch; returns its loss before the update. */
  public double stepGenerator() {
    try (TInt32 batch = data.nextIndices()) {
      return run(net.generatorLoss, net.generatorUpdate, batch);
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

  @Override
  public boolean saveGenerator(Path directory) {
    Checkpoints.save(
        graph, session, net.generator.params().all(), directory.resolve(GENERATOR_CHECKPOINT));
    return true;
  }

  /** The generator's showers for a batch of inputs ((n, latent) and (n, 1), flat), as trained. */
  float[] generate(float[] latent, float[] energies) {
    return Sessions.generate(graph, session, net.generator::forward, latent, energies);
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public Precision precisionRan() {
    return precision.ran();
  }

  @Override
  public String precisionNote() {
    return precision.note();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    session.close();
    graph.close();
    data.close();
  }

  private double run(Operand<TFloat32> loss, Op update, TInt32 batch) {
    try (Result result = fed(batch).fetch(loss).addTarget(update).run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  private Session.Runner fed(TInt32 batch) {
    return session
        .runner()
        .feed(net.imagePool, data.images())
        .feed(net.energyPool, data.energies())
        .feed(net.indices, batch);
  }

  /** The graphs of a discriminator forward pass, which updates no weight. */
  private List<GraphDef> executedGraphs() {
    try (TInt32 batch = data.nextIndices()) {
      return Sessions.executedGraphs(fed(batch).fetch(net.discriminatorLoss));
    }
  }

  private static ModelInfo info(
      double scale, long generator, long discriminator, long flops, String method) {
    return new ModelInfo("3dgan", scale, generator, discriminator, flops, method);
  }

  /**
   * Per sample, a D update costs G forward + D forward on real and generated + backward of both
   * (2x) = G + 6D multiply-adds; a G update costs G + D forward and their backward = 3G + 3D.
   */
  private static long flopsPerStep(long gMacs, long dMacs, int batchSize) {
    return 2L * batchSize * (4 * gMacs + 9 * dMacs);
  }
}
