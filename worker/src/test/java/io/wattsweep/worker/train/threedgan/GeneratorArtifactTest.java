package io.wattsweep.worker.train.threedgan;

import static io.wattsweep.worker.train.internal.ArtifactFiles.key;
import static io.wattsweep.worker.train.internal.ArtifactFiles.unzip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wattsweep.common.event.Artifact;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.artifact.DirectoryStore;
import io.wattsweep.worker.artifact.GeneratorArtifact;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import io.wattsweep.worker.train.internal.Checkpoints;
import io.wattsweep.worker.train.internal.Compute;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * A trained 3DGAN generator saved as an artifact is that generator: restored, it gives its output.
 */
class GeneratorArtifactTest {
  private static final WorkloadSpec SPEC = new WorkloadSpec("3dgan", 0.25, Precision.FP32, 4, 1, 7);

  @TempDir Path store;
  @TempDir Path unpacked;

  @Test
  void aRestoredThreeDGanGeneratorGivesTheTrainedOneSOutput() throws Exception {
    GanDims dims = GanDims.of(SPEC.scale());
    float[] input = uniform(3 * dims.latent(), 1); // energy, angle and noise of 3 showers
    float[] trained;
    Artifact artifact;
    try (ThreeDGan gan = ThreeDGan.open(SPEC)) {
      float[] initial = gan.generate(input, 3);
      for (int i = 0; i < 3; i++) {
        gan.step();
      }
      trained = gan.generate(input, 3);
      assertFalse(Arrays.equals(initial, trained), "three steps did not change the generator");
      artifact = GeneratorArtifact.save(gan, new DirectoryStore(store), key());
    }

    Path zip = Path.of(URI.create(artifact.uri()));
    assertEquals(sha256(zip), artifact.sha256());
    assertEquals(Files.size(zip), artifact.bytes());
    assertEquals(List.of("generator.data-00000-of-00001", "generator.index"), unzip(zip, unpacked));

    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      // Another seed: before the restore, these weights are not the trained ones.
      Generator fresh = new Generator(Ops.create(graph), dims, 99, Compute.FP32);
      session.initialize();
      float[] before = ThreeDGan.generate(graph, session, fresh, input, 3);
      Checkpoints.restore(
          graph, session, fresh.params().all(), unpacked.resolve(Workload.GENERATOR_CHECKPOINT));
      float[] after = ThreeDGan.generate(graph, session, fresh, input, 3);

      assertFalse(Arrays.equals(trained, before), "the fresh generator already matched");
      assertArrayEquals(trained, after);
    }
  }

  @Test
  void theSameCheckpointAlwaysPacksToTheSameBytes() throws Exception {
    Artifact first;
    Artifact second;
    try (ThreeDGan gan = ThreeDGan.open(SPEC)) {
      gan.step();
      first = GeneratorArtifact.save(gan, new DirectoryStore(store.resolve("a")), key());
      second = GeneratorArtifact.save(gan, new DirectoryStore(store.resolve("b")), key());
    }

    assertEquals(first.sha256(), second.sha256());
  }

  private static float[] uniform(int n, long seed) {
    var random = new Random(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
