package io.wattsweep.worker.train.internal;

import io.wattsweep.worker.artifact.ArtifactKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** What each model's GeneratorArtifactTest saves its generator under and unpacks it with. */
public final class ArtifactFiles {
  private ArtifactFiles() {}

  /** The key of a run's generator. */
  public static ArtifactKey key() {
    return new ArtifactKey("3dgan", "s1", "s1-0123456789", "s1-0123456789-r1", "generator.zip");
  }

  /** Extracts the zip's entries into {@code into} and returns their names in order. */
  public static List<String> unzip(Path zip, Path into) throws IOException {
    var names = new ArrayList<String>();
    try (var in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
        Files.copy(in, into.resolve(e.getName()));
      }
    }
    return names;
  }
}
