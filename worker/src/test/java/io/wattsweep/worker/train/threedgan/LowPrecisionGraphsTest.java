package io.wattsweep.worker.train.threedgan;

import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.BATCH;
import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.SEED;
import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.assertBf16;
import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.overflowIsSkippedThenFiniteStepApplied;

import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.Conv3dGradient;
import io.wattsweep.worker.train.internal.LowPrecisionGraphs.Built;
import io.wattsweep.worker.train.internal.Towers;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.types.TInt32;

/** The 3DGAN's graphs at mixed-fp16 and bf16, as {@code LowPrecisionGraphs} checks them. */
class LowPrecisionGraphsTest {

  private static Built gan(Graph graph, ShowerData data, TInt32 batch, Compute compute) {
    Conv3dGradient.register();
    GanDims dims = GanDims.of(0.125);
    GanGraph net =
        new GanGraph(
            graph, dims, BATCH, data.poolSize(), SEED, Towers.onOneDevice(2), true, compute);
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
  void bf16GraphsRunTheirConvolutionsInBf16AndTrain() {
    try (Graph graph = new Graph();
        ShowerData data = ShowerData.of(GanDims.of(0.125), BATCH, SEED, null);
        TInt32 batch = data.nextIndices()) {
      Built b = gan(graph, data, batch, Compute.BF16);
      try (Session s = b.session()) {
        assertBf16(b);
      }
    }
  }
}
