package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Both GANs' graphs as a mixed-fp16 or bf16 GPU run builds them, run here on the CPU with two
 * towers on its one device: a generator step whose scaled gradients overflow is skipped and halves
 * that optimizer's scale, the next finite one is applied; and bf16 products show up as bf16
 * convolutions in the executed graphs, which is how a run's precision is verified.
 */
class LowPrecisionGraphsTest {

  private static final int BATCH = 4;
  private static final long SEED = 5;

  /** A built graph, its session and what one generator update and one forward pass need. */
  private record Built(
      Session session, Session.Runner update, Session.Runner forward, LossScale scale,
      List<Variable<TFloat32>> generator) {}

  private static Built gan(Graph graph, ShowerData data, TInt32 batch, Compute compute) {
    Conv3dGradient.register();
    GanDims dims = GanDims.of(0.125);
    GanGraph net =
        new GanGraph(graph, dims, BATCH, data.poolSize(), SEED, Towers.onOneDevice(2), true,
            compute);
    Session session = new Session(graph);
    session.initialize();
    net.pool.load(session, data);
    return new Built(
        session,
        session.runner().feed(net.indices, batch).addTarget(net.generatorUpdate),
        session.runner().feed(net.indices, batch).fetch(net.generatorLoss),
        net.generatorScale,
        net.generator.params().all());
  }

  private static Built progan(Graph graph, TileData data, TInt32 batch, Compute compute) {
    ProGanGraph net =
        new ProGanGraph(graph, ProGanDims.of(0.03), BATCH, SEED, Towers.onOneDevice(2), true,
            compute);
    Session session = new Session(graph);
    session.initialize();
    TFloat32 contexts = data.contexts();
    return new Built(
        session,
        session.runner().feed(net.contextPool, contexts).feed(net.indices, batch)
            .addTarget(net.generatorUpdate),
        session.runner().feed(net.contextPool, contexts).feed(net.indices, batch)
            .fetch(net.discriminatorLoss),
        net.generatorScale,
        net.generator.params().all());
  }

  private static float scale(Built b) {
    try (Result r = b.session().runner().fetch(b.scale().scale).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  private static void setScale(Graph graph, Built b, float value) {
    Op assign = Ops.create(graph).assign(b.scale().scale, Ops.create(graph).constant(value));
    b.session().runner().addTarget(assign).run().close();
  }

  private static void overflowIsSkippedThenFiniteStepApplied(Graph graph, Built b) {
    setScale(graph, b, Float.MAX_VALUE);
    Map<String, float[]> state = TrainingState.read(graph, b.session());
    float[] before = Sessions.read(b.session(), b.generator());
    b.update().run().close();
    // Every weight and every optimizer slot (Adam's bias-correction powers too) is untouched.
    TrainingState.assertSame(state, TrainingState.read(graph, b.session()));
    assertEquals(Float.MAX_VALUE / 2, scale(b));

    setScale(graph, b, LossScale.INITIAL);
    b.update().run().close();
    assertFalse(Arrays.equals(before, Sessions.read(b.session(), b.generator())));
    assertEquals(LossScale.INITIAL, scale(b));
  }

  @Test
  void threeDGanSkipsAnOverflowingGeneratorStep() {
    try (Graph graph = new Graph();
        ShowerData data = ShowerData.of(GanDims.of(0.125), BATCH, SEED, null);
        TInt32 batch = data.nextIndices()) {
      Built b = gan(graph, data, batch, Compute.FP32);
      try (Session s = b.session()) {
        overflowIsSkippedThenFiniteStepApplied(graph, b);
      }
    }
  }

  @Test
  void vaeProGanSkipsAnOverflowingGeneratorStep() {
    try (Graph graph = new Graph();
        TileData data = new TileData(ProGanDims.of(0.03), BATCH, SEED);
        TInt32 batch = data.nextIndices()) {
      Built b = progan(graph, data, batch, Compute.FP32);
      try (Session s = b.session()) {
        overflowIsSkippedThenFiniteStepApplied(graph, b);
      }
    }
  }

  @Test
  void bf16GraphsRunTheirConvolutionsInBf16AndTrain() {
    try (Graph graph = new Graph();
        ShowerData data = ShowerData.of(GanDims.of(0.125), BATCH, SEED, null);
        TInt32 batch = data.nextIndices()) {
      Built b = gan(graph, data, batch, Compute.BF16);
      try (Session s = b.session()) {
        assertBf16(b);
      }
    }
    try (Graph graph = new Graph();
        TileData data = new TileData(ProGanDims.of(0.03), BATCH, SEED);
        TInt32 batch = data.nextIndices()) {
      Built b = progan(graph, data, batch, Compute.BF16);
      try (Session s = b.session()) {
        assertBf16(b);
      }
    }
  }

  private static void assertBf16(Built b) {
    List<GraphDef> executed = Sessions.executedGraphs(b.forward());
    assertTrue(PrecisionPlan.lowPrecisionConvolutions(executed, DataType.DT_BFLOAT16, false));
    float[] before = Sessions.read(b.session(), b.generator());
    b.update().run().close();
    assertFalse(Arrays.equals(before, Sessions.read(b.session(), b.generator())));
  }
}
