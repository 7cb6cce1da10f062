package io.wattsweep.common.event;

import java.util.regex.Pattern;

/**
 * A file a run left in the artifact store (its trained generator): where it is, its SHA-256 and its
 * size. Only this reference travels through Kafka; the bytes never do.
 *
 * @param uri where the store put it, e.g. {@code file:///data/artifacts/...} or {@code
 *     s3://bucket/prefix/...}
 * @param sha256 the file's SHA-256, 64 lower-case hex digits
 * @param bytes the file's size in bytes
 */
public record Artifact(String uri, String sha256, long bytes) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public Artifact {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("artifact.uri must not be blank: " + quote(uri));
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "artifact.sha256 must be 64 lower-case hex digits: " + quote(sha256));
    }
    if (bytes < 1) {
      throw new IllegalArgumentException("artifact.bytes must be >= 1: " + bytes);
    }
  }

  private static String quote(String s) {
    return s == null ? "null" : "'" + s + "'";
  }
}
