package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * What each model's LowPrecisionGraphsTest checks of its graphs as a mixed-fp16 or bf16 GPU run
 * builds them, run here on the CPU with two towers on its one device: a generator step whose scaled
 * gradients overflow is skipped and halves that optimizer's scale, the next finite one is applied;
 * and bf16 products show up as bf16 convolutions in the executed graphs, which is how a run's
 * precision is verified.
 */
public final class LowPrecisionGraphs {

  /** The global batch, split over two towers. */
  public static final int BATCH = 4;

  public static final long SEED = 5;

  /** A built graph, its session and what one generator update and one forward pass need. */
  public record Built(
      Session session,
      Session.Runner update,
      Session.Runner forward,
      LossScale scale,
      List<Variable<TFloat32>> generator) {}

  private LowPrecisionGraphs() {}

  private static float scale(Built b) {
    try (Result r = b.session().runner().fetch(b.scale().scale).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  private static void setScale(Graph graph, Built b, float value) {
    Op assign = Ops.create(graph).assign(b.scale().scale, Ops.create(graph).constant(value));
    b.session().runner().addTarget(assign).run().close();
  }

  public static void overflowIsSkippedThenFiniteStepApplied(Graph graph, Built b) {
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

  public static void assertBf16(Built b) {
    List<GraphDef> executed = Sessions.executedGraphs(b.forward());
    assertTrue(PrecisionPlan.lowPrecisionConvolutions(executed, DataType.DT_BFLOAT16, false));
    float[] before = Sessions.read(b.session(), b.generator());
    b.update().run().close();
    assertFalse(Arrays.equals(before, Sessions.read(b.session(), b.generator())));
  }
}
