package io.wattsweep.worker.artifact;

import io.wattsweep.common.Env;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * How a worker reaches an S3-compatible object store: the endpoint (path-style requests, so that
 * MinIO and Ceph work as AWS does), the region signed into each request, and the credentials. Read
 * only when {@code WATTSWEEP_ARTIFACT_STORE} is an {@code s3://} URI; the secrets never appear in
 * {@link #toString()}, which the start-up log prints.
 *
 * @param endpoint WATTSWEEP_S3_ENDPOINT: {@code scheme://host[:port]} of the store; {@code
 *     https://s3.REGION.amazonaws.com} by default, e.g. {@code http://minio:9000}
 * @param region WATTSWEEP_S3_REGION, else AWS_REGION, else {@code us-east-1}
 * @param accessKeyId AWS_ACCESS_KEY_ID (required)
 * @param secretAccessKey AWS_SECRET_ACCESS_KEY (required)
 * @param sessionToken AWS_SESSION_TOKEN: for temporary credentials; null when unset
 */
public record S3Access(
    URI endpoint, String region, String accessKeyId, String secretAccessKey, String sessionToken) {

  public S3Access {
    if (endpoint == null
        || endpoint.getHost() == null
        || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
        || !(endpoint.getRawPath() == null
            || endpoint.getRawPath().isEmpty()
            || endpoint.getRawPath().equals("/"))) {
      throw new IllegalArgumentException(
          "WATTSWEEP_S3_ENDPOINT must be http(s)://host[:port]: '" + endpoint + "'");
    }
    if (region == null || !region.matches("[a-z0-9-]{1,64}")) {
      throw new IllegalArgumentException(
          "WATTSWEEP_S3_REGION must be a region name such as"
              + " us-east-1: "
              + (region == null ? "null" : "'" + region + "'"));
    }
  }

  /** The settings of the store {@code store} names; the credentials must be set. */
  public static S3Access fromEnv(Env env, URI store) {
    String region = env.string("WATTSWEEP_S3_REGION", env.string("AWS_REGION", "us-east-1"));
    String endpoint =
        env.string("WATTSWEEP_S3_ENDPOINT", "https://s3." + region + ".amazonaws.com");
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "WATTSWEEP_S3_ENDPOINT must be http(s)://host[:port]: '" + endpoint + "'");
    }
    return new S3Access(
        uri,
        region,
        required(env, "AWS_ACCESS_KEY_ID", store),
        required(env, "AWS_SECRET_ACCESS_KEY", store),
        env.string("AWS_SESSION_TOKEN", null));
  }

  private static String required(Env env, String key, URI store) {
    String v = env.string(key, null);
    if (v == null) {
      throw new IllegalArgumentException(
          key + " must be set when " + ArtifactStore.KEY + " is an S3 bucket: '" + store + "'");
    }
    return v;
  }

  @Override
  public String toString() {
    return "S3Access[endpoint="
        + endpoint
        + ", region="
        + region
        + ", accessKeyId="
        + accessKeyId
        + ", secretAccessKey=***"
        + (sessionToken == null ? "" : ", sessionToken=***")
        + "]";
  }
}
