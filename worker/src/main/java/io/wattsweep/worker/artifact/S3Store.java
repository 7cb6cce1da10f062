package io.wattsweep.worker.artifact;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Artifacts as objects in an S3-compatible store ({@code s3://BUCKET/PREFIX}), each one PUT signed
 * with AWS Signature Version 4, the body's SHA-256 signed with it: the store rejects a body that
 * arrives changed, and an object appears whole or not at all.
 */
public final class S3Store implements ArtifactStore {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final String bucket;
  private final String prefix;
  private final S3Access access;
  private final SigV4 signer;
  private final HttpClient http;
  private final Clock clock;

  S3Store(URI store, S3Access access, HttpClient http, Clock clock) {
    this.bucket = bucket(store);
    String path = store.getPath() == null ? "" : store.getPath();
    this.prefix = path.replaceAll("^/+|/+$", "");
    this.access = access;
    this.signer = new SigV4(access.accessKeyId(), access.secretAccessKey(), access.region(), "s3");
    this.http = http;
    this.clock = clock;
  }

  /** The bucket of an {@code s3://BUCKET/PREFIX} URI. */
  static String bucket(URI uri) {
    String bucket = uri.getAuthority();
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException(
          KEY
              + " must be s3://BUCKET[/PREFIX] with a bucket of"
              + " 3-63 of a-z, 0-9, '.' and '-': '"
              + uri
              + "'");
    }
    return bucket;
  }

  @Override
  public URI put(ArtifactKey key, Path file, String sha256) throws IOException {
    String object = prefix.isEmpty() ? key.path() : prefix + "/" + key.path();
    String path = "/" + bucket + "/" + object;
    URI endpoint = access.endpoint();
    String host =
        endpoint.getPort() == -1
            ? endpoint.getHost()
            : endpoint.getHost() + ":" + endpoint.getPort();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", host);
    headers.put("x-amz-content-sha256", sha256);
    headers.put("x-amz-date", AMZ_DATE.format(clock.instant()));
    if (access.sessionToken() != null) {
      headers.put("x-amz-security-token", access.sessionToken());
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(endpoint.getScheme() + "://" + host + SigV4.encode(path, false)))
            .PUT(HttpRequest.BodyPublishers.ofFile(file))
            .header("Authorization", signer.authorization("PUT", path, Map.of(), headers, sha256));
    headers.forEach(
        (k, v) -> {
          if (!k.equals("host")) {
            request.header(k, v);
          }
        });
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while putting " + object + " into bucket " + bucket, e);
    }
    if (response.statusCode() / 100 != 2) {
      String body = response.body();
      throw new IOException(
          "S3 PUT of "
              + object
              + " into bucket "
              + bucket
              + " at "
              + endpoint
              + " answered "
              + response.statusCode()
              + ": "
              + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
    }
    return URI.create("s3://" + bucket + "/" + SigV4.encode(object, false));
  }

  @Override
  public String toString() {
    return "S3 bucket "
        + bucket
        + (prefix.isEmpty() ? "" : " prefix " + prefix)
        + " at "
        + access.endpoint();
  }
}
