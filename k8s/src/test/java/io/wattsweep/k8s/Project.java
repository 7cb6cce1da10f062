package io.wattsweep.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's files are: the build passes the root as wattsweep.root. */
final class Project {
  private Project() {}

  static Path root() {
    String root = System.getProperty("wattsweep.root");
    return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
  }

  static String version() {
    return System.getProperty("wattsweep.version", "0.1.0-SNAPSHOT");
  }

  /** The operators' CRDs, beside the clone (see ../shared/k8s-crds/README.md). */
  static Path crds() {
    return root().resolve("../shared/k8s-crds").normalize();
  }

  static String read(String relative) {
    try {
      return Files.readString(root().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relative + " under " + root(), e);
    }
  }
}
