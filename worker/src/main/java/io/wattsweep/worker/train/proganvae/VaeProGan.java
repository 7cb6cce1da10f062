package io.wattsweep.worker.train.proganvae;

import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.GanWorkload;
import io.wattsweep.worker.train.internal.Params;
import io.wattsweep.worker.train.internal.Placement;
import io.wattsweep.worker.train.internal.PrecisionPlan;
import io.wattsweep.worker.train.internal.Sessions;
import io.wattsweep.worker.train.internal.TrainingSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The VAE-ProGAN of Cardoso, Vallecorsa and Nemni (arXiv 2211.15303) training in TensorFlow graph
 * mode on synthetic satellite-like scenes: a conditional progressive GAN that generates the missing
 * tile of a 2 x 2 image from its three neighbours, each encoded to 2048 values by a shared encoder
 * trained beforehand and frozen here, judged by a local critic (the tile) and a global one (the
 * tile in its context).
 *
 * <p>What the paper and the study say is followed (one-channel 128 x 128 tiles, 4 x 4 start, 2048
 * values per neighbour, an encoder of five stride-2 convolutions and a dense layer run forward
 * only, the study's generator and critic widths, pixel norm, equalized learning rate, local and
 * global discriminators); the rest is ProGAN as published (Karras et al. 2018: feature maps,
 * WGAN-GP with drift, Adam 1e-3 / 0 / 0.99, minibatch standard deviation). The fully grown network
 * is built and measured: the fade-in phases of progressive growing are short transitions at lower
 * cost and are not measured.
 */
public final class VaeProGan extends GanWorkload<ProGanGraph> {

  /** The model's four networks. */
  public enum Network {
    ENCODER("encoder"),
    GENERATOR("generator"),
    LOCAL_DISCRIMINATOR("local-discriminator"),
    GLOBAL_DISCRIMINATOR("global-discriminator");

    private final String label;

    Network(String label) {
      this.label = label;
    }

    /** The name {@link ModelInfo#parametersByNetwork()} uses. */
    public String label() {
      return label;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(VaeProGan.class);

  private static final String FLOPS_METHOD =
      "analytic: 2 FLOPs per multiply-add of every convolution and dense layer, from the layer"
          + " table; backward = 2x forward. Per sample, with E the frozen encoder on one tile"
          + " (forward only): D step = 3E + G forward + per critic 15x forward (real and generated:"
          + " 2 forward + 4 backward; gradient penalty: forward 1 + input gradient 2 + its"
          + " differentiation 6); G step = 3E + 3x (G + both critics). Pixel norm, activations,"
          + " pooling and the optimizers are not counted";

  private final TileData data;

  private VaeProGan(
      WorkloadSpec spec,
      Placement placement,
      ProGanDims dims,
      TileData data,
      TrainingSession<ProGanGraph> training) {
    super(
        training,
        info(
            dims,
            training.net.encoder.params().count(),
            training.net.generator.params().count(),
            training.net.localCritic.params().count(),
            training.net.globalCritic.params().count(),
            spec.batchSize()));
    this.data = data;
    PrecisionPlan.Outcome precision = training.precision();
    LOG.info(
        "vae-progan built: scale {}, tile {}x{}, batch {} on {} tower(s), parameters {},"
            + " {} FLOPs per step, precision {} asked, {} runs{}",
        spec.scale(),
        dims.tile(),
        dims.tile(),
        spec.batchSize(),
        placement.towers.count(),
        info().parametersByNetwork(),
        info().flopsPerStep(),
        spec.precision(),
        precision.ran(),
        precision.note().isEmpty() ? "" : " (" + precision.note() + ")");
  }

  /** Builds the graph, starts the session and initialises the weights from the seed. */
  public static VaeProGan open(WorkloadSpec spec) {
    Placement placement = Placement.of(spec);
    ProGanDims dims = ProGanDims.of(spec.scale());
    TileData data = new TileData(dims, spec.batchSize(), spec.seed());
    TrainingSession<ProGanGraph> training =
        TrainingSession.open(
            placement,
            data::close,
            graph ->
                new ProGanGraph(
                    graph,
                    dims,
                    spec.batchSize(),
                    spec.seed(),
                    placement.towers,
                    placement.plan.dynamicLossScale(),
                    placement.plan.compute()),
            t -> {},
            t -> executedGraphs(data, t.session, t.net));
    return new VaeProGan(spec, placement, dims, data, training);
  }

  /**
   * Sizes and cost without training: builds the four networks' variables in a throwaway graph (no
   * session, no gradients); fast even at scale 1.
   */
  public static ModelInfo describe(double scale, int batchSize) {
    ProGanDims dims = ProGanDims.of(scale);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      return info(
          dims,
          new TileEncoder(tf, dims, 0, Compute.FP32).params().count(),
          new TileGenerator(tf, dims, 0, Compute.FP32).params().count(),
          new TileCritic(tf, "local_critic", dims, dims.tile(), 0, 13, Compute.FP32)
              .params()
              .count(),
          new TileCritic(tf, "global_critic", dims, dims.context(), 0, 14, Compute.FP32)
              .params()
              .count(),
          batchSize);
    }
  }

  /** Parameters of each network counted from its layer table alone, without building anything. */
  public static Map<Network, Long> tableParameters(double scale) {
    ProGanDims d = ProGanDims.of(scale);
    Map<Network, Long> m = new LinkedHashMap<>();
    m.put(Network.ENCODER, TableNet.parameters(TileEncoder.table(d)));
    m.put(Network.GENERATOR, TableNet.parameters(TileGenerator.table(d)));
    m.put(Network.LOCAL_DISCRIMINATOR, TableNet.parameters(TileCritic.table(d, d.tile())));
    m.put(Network.GLOBAL_DISCRIMINATOR, TableNet.parameters(TileCritic.table(d, d.context())));
    return m;
  }

  /** Side of the generated tile at a scale. */
  public static int tileSide(double scale) {
    return ProGanDims.of(scale).tile();
  }

  /** Both critics' update, then the generator's, on one batch. */
  @Override
  public StepLosses step() {
    try (TInt32 batch = data.nextIndices()) {
      double d = run(net.discriminatorLoss, net.discriminatorStep, batch);
      double g = run(net.generatorLoss, net.generatorUpdate, batch);
      return new StepLosses(d, g);
    }
  }

  /**
   * Updates one network alone on the next batch.
   *
   * @return the loss that network's gradient came from, before the update
   * @throws IllegalArgumentException for the encoder, which is frozen
   */
  public double step(Network network) {
    if (network == Network.ENCODER) {
      throw new IllegalArgumentException("the encoder is frozen: it is never updated");
    }
    try (TInt32 batch = data.nextIndices()) {
      switch (network) {
        case GENERATOR:
          return run(net.generatorLoss, net.generatorUpdate, batch);
        case LOCAL_DISCRIMINATOR:
          return run(net.localLoss, net.localUpdate, batch);
        case GLOBAL_DISCRIMINATOR:
          return run(net.globalLoss, net.globalUpdate, batch);
        default:
          throw new IllegalStateException("unhandled network: " + network);
      }
    }
  }

  /**
   * Runs a step on the next batch (both critics' update, then the generator's) and returns the
   * partition graphs of its two runs, each node with the device it ran on.
   */
  List<GraphDef> graphsRan() {
    try (TInt32 batch = data.nextIndices()) {
      List<GraphDef> graphs =
          new ArrayList<>(
              Sessions.executedGraphs(
                  fed(session, net, batch)
                      .fetch(net.discriminatorLoss)
                      .addTarget(net.discriminatorStep)));
      graphs.addAll(
          Sessions.executedGraphs(
              fed(session, net, batch).fetch(net.generatorLoss).addTarget(net.generatorUpdate)));
      return graphs;
    }
  }

  /** All of a network's weights, flattened in variable order. */
  public float[] weights(Network network) {
    return Sessions.read(session, variables(network));
  }

  @Override
  protected List<Variable<TFloat32>> generatorVariables() {
    return net.generator.params().all();
  }

  @Override
  public Optional<String> architecture() {
    var networks = new LinkedHashMap<String, Params>();
    networks.put(Network.ENCODER.label(), net.encoder.params());
    networks.put(Network.GENERATOR.label(), net.generator.params());
    networks.put(Network.LOCAL_DISCRIMINATOR.label(), net.localCritic.params());
    networks.put(Network.GLOBAL_DISCRIMINATOR.label(), net.globalCritic.params());
    return Optional.of(Params.describe(networks));
  }

  private List<Variable<TFloat32>> variables(Network network) {
    switch (network) {
      case ENCODER:
        return net.encoder.params().all();
      case GENERATOR:
        return net.generator.params().all();
      case LOCAL_DISCRIMINATOR:
        return net.localCritic.params().all();
      case GLOBAL_DISCRIMINATOR:
        return net.globalCritic.params().all();
      default:
        throw new IllegalStateException("unhandled network: " + network);
    }
  }

  private double run(Operand<TFloat32> loss, Op update, TInt32 batch) {
    return TrainingSession.run(fed(session, net, batch), loss, update);
  }

  private Session.Runner fed(Session session, ProGanGraph net, TInt32 batch) {
    return fed(data, session, net, batch);
  }

  private static Session.Runner fed(TileData data, Session session, ProGanGraph net, TInt32 batch) {
    return session.runner().feed(net.contextPool, data.contexts()).feed(net.indices, batch);
  }

  /** The graphs of the critics' losses (forward and penalty), which update no weight. */
  private static List<GraphDef> executedGraphs(TileData data, Session session, ProGanGraph net) {
    try (TInt32 batch = data.nextIndices()) {
      return Sessions.executedGraphs(fed(data, session, net, batch).fetch(net.discriminatorLoss));
    }
  }

  private static ModelInfo info(
      ProGanDims dims, long encoder, long generator, long local, long global, int batchSize) {
    Map<String, Long> networks = new LinkedHashMap<>();
    networks.put(Network.ENCODER.label(), encoder);
    networks.put(Network.GENERATOR.label(), generator);
    networks.put(Network.LOCAL_DISCRIMINATOR.label(), local);
    networks.put(Network.GLOBAL_DISCRIMINATOR.label(), global);
    return new ModelInfo(
        BuiltInModel.VAE_PROGAN.wireName(),
        dims.scale(),
        encoder + generator,
        local + global,
        flopsPerStep(dims, batchSize),
        FLOPS_METHOD,
        networks);
  }

  /** 2 x batch x (6 E + 4 G + 18 (local + global)) multiply-adds; see {@link #FLOPS_METHOD}. */
  private static long flopsPerStep(ProGanDims d, int batchSize) {
    long e = TableNet.macsPerSample(TileEncoder.table(d));
    long g = TableNet.macsPerSample(TileGenerator.table(d));
    long local = TableNet.macsPerSample(TileCritic.table(d, d.tile()));
    long global = TableNet.macsPerSample(TileCritic.table(d, d.context()));
    return 2L * batchSize * (6 * e + 4 * g + 18 * (local + global));
  }
}
