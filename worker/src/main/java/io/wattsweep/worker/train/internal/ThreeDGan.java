package io.wattsweep.worker.train.internal;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

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
    int gpus = HostDevices.gpuCount();
    if (gpus > 0 && spec.devices() > gpus) {
      throw new IllegalArgumentException(
          "devices must be at most the " + gpus + " visible GPU(s): " + spec.devices());
    }
    Towers towers = Towers.plan(spec.devices(), gpus);
    PrecisionPlan plan =
        new PrecisionPlan(
            spec.precision(),
            gpus > 0,
            CudaCapability::lowestMajor,
            System.getenv("NVIDIA_TF32_OVERRIDE"));
    GanDims dims = GanDims.of(spec.scale());
    data = new ShowerData(dims, spec.batchSize(), spec.seed());
    graph = new Graph();
    try {
      net = new GanGraph(graph, dims, spec.batchSize(), spec.seed(), towers, plan.lossScale());
      ConfigProto.Builder config = ConfigProto.newBuilder();
      towers.configure(config);
      plan.configure(config);
      session = new Session(graph, config.build());
    } catch (RuntimeException e) {
      graph.close();
      data.close();
      throw e;
    }
    try {
      session.initialize();
      precision = plan.resolve(plan.needsExecutedGraphs() ? executedGraphs() : List.of());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    info =
        new ModelInfo(
            "3dgan",
            spec.scale(),
            net.generator.params().count(),
            net.discriminator.params().count(),
            flopsPerStep(spec.batchSize()),
            FLOPS_METHOD);
    LOG.info(
        "3dgan built: scale {}, images {}x{}x{}, batch {} on {} tower(s), G {} and D {} parameters,"
            + " {} FLOPs per step, precision {} asked, {} runs{}",
        spec.scale(),
        dims.imageXy(),
        dims.imageXy(),
        dims.imageZ(),
        spec.batchSize(),
        towers.count(),
        info.generatorParameters(),
        info.discriminatorParameters(),
        info.flopsPerStep(),
        spec.precision(),
        precision.ran(),
        precision.note().isEmpty() ? "" : " (" + precision.note() + ")");
  }

  /** Builds the graph, starts the session and initialises the weights from the seed. */
  public static ThreeDGan open(WorkloadSpec spec) {
    return new ThreeDGan(spec);
  }

  @Override
  public StepLosses step() {
    ShowerData.Batch batch = data.next();
    double d = run(net.discriminatorLoss, net.discriminatorUpdate, batch);
    double g = run(net.generatorLoss, net.generatorUpdate, batch);
    return new StepLosses(d, g);
  }

  /** Updates the discriminator alone on the next batch; returns its loss before the update. */
  public double stepDiscriminator() {
    return run(net.discriminatorLoss, net.discriminatorUpdate, data.next());
  }

  /** Updates the generator alone on the next batch; returns its loss before the update. */
  public double stepGenerator() {
    return run(net.generatorLoss, net.generatorUpdate, data.next());
  }

  /** All of a network's weights, flattened in variable order. */
  public float[] weights(Network network) {
    List<Variable<TFloat32>> variables =
        network == Network.GENERATOR
            ? net.generator.params().all()
            : net.discriminator.params().all();
    Session.Runner runner = session.runner();
    long total = 0;
    for (Variable<TFloat32> v : variables) {
      runner.fetch(v);
      total += v.shape().size();
    }
    float[] values = new float[Math.toIntExact(total)];
    try (Result result = runner.run()) {
      int at = 0;
      for (int i = 0; i < variables.size(); i++) {
        TFloat32 t = (TFloat32) result.get(i);
        int n = Math.toIntExact(t.size());
        float[] part = new float[n];
        t.asRawTensor().data().asFloats().read(part);
        System.arraycopy(part, 0, values, at, n);
        at += n;
      }
    }
    return values;
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

  private double run(Operand<TFloat32> loss, Op update, ShowerData.Batch batch) {
    try (Result result =
        session
            .runner()
            .feed(net.images, batch.images())
            .feed(net.energies, batch.energies())
            .fetch(loss)
            .addTarget(update)
            .run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  /**
   * The graphs the session executes for a discriminator forward pass, as optimised and placed: they
   * show whether a precision rewrite applied. No update runs, so no weight changes.
   */
  private List<org.tensorflow.proto.GraphDef> executedGraphs() {
    ShowerData.Batch batch = data.next();
    try (Result result =
        session
            .runner()
            .feed(net.images, batch.images())
            .feed(net.energies, batch.energies())
            .fetch(net.discriminatorLoss)
            .setOptions(RunOptions.newBuilder().setOutputPartitionGraphs(true).build())
            .runAndFetchMetadata()) {
      return result.getMetadata().map(RunMetadata::getPartitionGraphsList).orElse(List.of());
    }
  }

  /**
   * Per sample, a D update costs G forward + D forward on real and generated + backward of both
   * (2x) = G + 6D multiply-adds; a G update costs G + D forward and their backward = 3G + 3D.
   */
  private long flopsPerStep(int batchSize) {
    long g = net.generator.macsPerSample();
    long d = net.discriminator.macsPerSample();
    return 2L * batchSize * (4 * g + 9 * d);
  }
}
