package io.wattsweep.worker.artifact;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Where runs leave their trained generators, named by a URI ({@code WATTSWEEP_ARTIFACT_STORE}):
 * {@code file:DIR} for a directory ({@link DirectoryStore}), {@code s3://BUCKET/PREFIX} for an
 * S3-compatible object store ({@link S3Store}). Artifacts never travel through Kafka; events carry
 * the URI {@link #put} returns.
 */
public interface ArtifactStore {

  /** The configuration key that names the store. */
  String KEY = "WATTSWEEP_ARTIFACT_STORE";

  /**
   * Stores {@code file} under {@code key}, whole or not at all: the returned URI never names a
   * partly written artifact. Blocking.
   *
   * @param sha256 the file's SHA-256 (64 lower-case hex digits), sent along where the store checks
   *     it
   * @return where the artifact now is, as an absolute URI
   */
  URI put(ArtifactKey key, Path file, String sha256) throws IOException;

  /**
   * Parses a store URI, rejecting what no store understands with a message that names {@link #KEY}
   * and the value.
   */
  static URI parse(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          KEY + " is not a URI (" + e.getReason() + "): '" + value + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    switch (scheme) {
      case "file":
        DirectoryStore.directory(uri);
        return uri;
      case "s3":
        S3Store.bucket(uri);
        return uri;
      default:
        throw new IllegalArgumentException(KEY + " must be a file: or s3:// URI: '" + value + "'");
    }
  }

  /** The store a parsed URI names; S3 needs its access settings. */
  static ArtifactStore open(URI uri, S3Access s3) {
    if ("s3".equals(uri.getScheme())) {
      if (s3 == null) {
        throw new IllegalArgumentException(
            KEY + " names an S3 bucket, but no S3 access is" + " configured: '" + uri + "'");
      }
      return new S3Store(
          uri,
          s3,
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
          Clock.systemUTC());
    }
    return new DirectoryStore(DirectoryStore.directory(uri));
  }
}
