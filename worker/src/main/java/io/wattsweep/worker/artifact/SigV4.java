package io.wattsweep.worker.artifact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 in the Authorization header, as S3 and S3-compatible stores check it:
 * canonical request, string to sign, a signing key derived per day, region and service.
 */
final class SigV4 {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";

  private final String accessKeyId;
  private final String secretAccessKey;
  private final String region;
  private final String service;

  SigV4(String accessKeyId, String secretAccessKey, String region, String service) {
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.region = region;
    this.service = service;
  }

  /**
   * The Authorization header's value.
   *
   * @param path the request's path, not yet percent-encoded
   * @param query the query's parameters, not yet percent-encoded
   * @param headers the headers to sign, {@code host} and {@code x-amz-date} among them
   * @param payloadSha256 the body's SHA-256 in hex, as sent in {@code x-amz-content-sha256}
   */
  String authorization(
      String method,
      String path,
      Map<String, String> query,
      Map<String, String> headers,
      String payloadSha256) {
    SortedMap<String, String> signed = lowerCased(headers);
    String amzDate = signed.get("x-amz-date");
    if (amzDate == null || amzDate.length() < 8) {
      throw new IllegalArgumentException("x-amz-date must be signed: " + amzDate);
    }
    String day = amzDate.substring(0, 8);
    String scope = day + "/" + region + "/" + service + "/aws4_request";
    String toSign =
        ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonicalRequest(method, path, query, signed, payloadSha256)));
    byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(hmac(hmac(key, region), service), "aws4_request");
    return ALGORITHM
        + " Credential="
        + accessKeyId
        + "/"
        + scope
        + ", SignedHeaders="
        + String.join(";", signed.keySet())
        + ", Signature="
        + hex(hmac(key, toSign));
  }

  static String canonicalRequest(
      String method,
      String path,
      Map<String, String> query,
      Map<String, String> headers,
      String payloadSha256) {
    SortedMap<String, String> signed = lowerCased(headers);
    var out = new StringBuilder(method).append('\n').append(encode(path, false)).append('\n');
    var params = new TreeMap<String, String>();
    query.forEach((k, v) -> params.put(encode(k, true), encode(v, true)));
    out.append(
            params.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&")))
        .append('\n');
    signed.forEach((k, v) -> out.append(k).append(':').append(v).append('\n'));
    return out.append('\n')
        .append(String.join(";", signed.keySet()))
        .append('\n')
        .append(payloadSha256)
        .toString();
  }

  /** RFC 3986: everything but unreserved characters (and '/' in a path) as %XX. */
  static String encode(String s, boolean slash) {
    var out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (c == '/' && !slash)) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Names lower-cased, values trimmed with inner runs of spaces made one. */
  private static SortedMap<String, String> lowerCased(Map<String, String> headers) {
    var out = new TreeMap<String, String>();
    headers.forEach(
        (k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v.trim().replaceAll(" +", " ")));
    return out;
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
