package io.wattsweep.worker.artifact;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Artifacts as files under a directory ({@code file:DIR}), laid out by {@link ArtifactKey}. Not
 * content-addressed: each run's generator is its own file (different seeds and configurations never
 * give the same bytes, so deduplication would save nothing), and the path says which run it is; the
 * SHA-256 in the catalog checks the bytes.
 */
public final class DirectoryStore implements ArtifactStore {
  private final Path root;

  public DirectoryStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * The directory of a {@code file:} URI: {@code file:///abs/dir}, {@code file:/abs/dir}, or {@code
   * file:rel/dir} relative to the working directory.
   */
  static Path directory(URI uri) {
    String path = uri.isOpaque() ? uri.getSchemeSpecificPart() : uri.getPath();
    String host = uri.getAuthority();
    if (path == null || path.isBlank() || (host != null && !host.equals("localhost"))) {
      throw new IllegalArgumentException(
          KEY + " must name a local directory, as file:DIR or" + " file:///DIR: '" + uri + "'");
    }
    return Path.of(path).toAbsolutePath().normalize();
  }

  /** Copies next to the target, flushes, then renames over it: readers see all or nothing. */
  @Override
  public URI put(ArtifactKey key, Path file, String sha256) throws IOException {
    Path target = root.resolve(key.path());
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
    try {
      Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(
          partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    return target.toUri();
  }

  @Override
  public String toString() {
    return "directory " + root;
  }
}
