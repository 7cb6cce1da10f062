package io.wattsweep.worker.train.proganvae;

import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.BATCH;
import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.SEED;
import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.assertBf16;
import static io.wattsweep.worker.train.internal.LowPrecisionGraphs.overflowIsSkippedThenFiniteStepApplied;

import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.LowPrecisionGraphs.Built;
import io.wattsweep.worker.train.internal.Towers;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The VAE-ProGAN's graphs at mixed-fp16 and bf16, as {@code LowPrecisionGraphs} checks them. */
class LowPrecisionGraphsTest {

  private static Built progan(Graph graph, TileData data, TInt32 batch, Compute compute) {
    ProGanGraph net =
        new ProGanGraph(
            graph, ProGanDims.of(0.03), BATCH, SEED, Towers.onOneDevice(2), true, compute);
    Session session = new Session(graph);
    session.initialize();
    TFloat32 contexts = data.contexts();
    return new Built(
        session,
        session
            .runner()
            .feed(net.contextPool, contexts)
            .feed(net.indices, batch)
            .addTarget(net.generatorUpdate),
        session
            .runner()
            .feed(net.contextPool, contexts)
            .feed(net.indices, batch)
            .fetch(net.discriminatorLoss),
        net.generatorScale,
        net.generator.params().all());
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
        TileData data = new TileData(ProGanDims.of(0.03), BATCH, SEED);
        TInt32 batch = data.nextIndices()) {
      Built b = progan(graph, data, batch, Compute.BF16);
      try (Session s = b.session()) {
        assertBf16(b);
      }
    }
  }
}
