package io.wattsweep.worker.train.proganvae;

import static io.wattsweep.worker.train.internal.ArtifactFiles.key;
import static io.wattsweep.worker.train.internal.ArtifactFiles.unzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wattsweep.common.event.Artifact;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.artifact.DirectoryStore;
import io.wattsweep.worker.artifact.GeneratorArtifact;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.internal.Checkpoints;
import io.wattsweep.worker.train.internal.Compute;
import io.wattsweep.worker.train.internal.Sessions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A trained VAE-ProGAN generator saved as an artifact holds exactly its weights. */
class GeneratorArtifactTest {
  @TempDir Path store;
  @TempDir Path unpacked;

  @Test
  void aVaeProGanArtifactHoldsExactlyTheTrainedGeneratorSWeights() throws Exception {
    WorkloadSpec spec = new WorkloadSpec("vae-progan", 0.03, Precision.FP32, 4, 1, 3);
    float[] trained;
    Artifact artifact;
    try (VaeProGan gan = VaeProGan.open(spec)) {
      gan.step();
      trained = gan.weights(VaeProGan.Network.GENERATOR);
      artifact = GeneratorArtifact.save(gan, new DirectoryStore(store), key());
    }
    unzip(Path.of(URI.create(artifact.uri())), unpacked);

    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      List<Variable<TFloat32>> variables =
          new TileGenerator(Ops.create(graph), ProGanDims.of(spec.scale()), 42, Compute.FP32)
              .params()
              .all();
      session.initialize();
      assertFalse(Arrays.equals(trained, Sessions.read(session, variables)));
      Checkpoints.restore(
          graph, session, variables, unpacked.resolve(Workload.GENERATOR_CHECKPOINT));

      assertArrayEquals(trained, Sessions.read(session, variables));
    }
  }
}
