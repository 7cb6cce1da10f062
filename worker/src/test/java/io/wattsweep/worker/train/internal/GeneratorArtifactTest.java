package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wattsweep.common.event.Artifact;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.artifact.ArtifactKey;
import io.wattsweep.worker.artifact.DirectoryStore;
import io.wattsweep.worker.artifact.GeneratorArtifact;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A trained generator saved as an artifact is that generator: restored, it gives its output. */
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
    assertEquals(
        List.of("generator.data-00000-of-00001", "generator.index"), unzip(zip, unpacked));

    try (Graph graph = new Graph();
        Session session = new Session(graph)) {
      // Another seed: before the restore, these weights are not the trained ones.
      Generator fresh = new Generator(Ops.create(graph), dims, 99, Compute.FP32);
      session.initialize();
      float[] before = ThreeDGan.generate(graph, session, fresh, input, 3);
      Checkpoints.restore(graph, session, fresh.params().all(),
          unpacked.resolve(Workload.GENERATOR_CHECKPOINT));
      float[] after = ThreeDGan.generate(graph, session, fresh, input, 3);

      assertFalse(Arrays.equals(trained, before), "the fresh generator already matched");
      assertArrayEquals(trained, after);
    }
  }

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
              .params().all();
      session.initialize();
      assertFalse(Arrays.equals(trained, Sessions.read(session, variables)));
      Checkpoints.restore(graph, session, variables,
          unpacked.resolve(Workload.GENERATOR_CHECKPOINT));

      assertArrayEquals(trained, Sessions.read(session, variables));
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

  private static ArtifactKey key() {
    return new ArtifactKey("3dgan", "s1", "s1-0123456789", "s1-0123456789-r1", "generator.zip");
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

  /** Extracts the zip's entries into {@code into} and returns their names in order. */
  private static List<String> unzip(Path zip, Path into) throws IOException {
    var names = new java.util.ArrayList<String>();
    try (var in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
        Files.copy(in, into.resolve(e.getName()));
      }
    }
    return names;
  }
}
