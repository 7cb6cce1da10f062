package io.wattsweep.coordinator.cli;

import io.wattsweep.coordinator.access.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the CLI reaches the coordinator: its URL, {@code http://} or {@code https://}; for https, the
 * CAs to trust (WATTSWEEP_CA_FILE, PEM certificates; the JVM's default CAs where unset); and the
 * token it sends as {@code Authorization: Bearer} (WATTSWEEP_TOKEN; never printed).
 */
final class ApiConnection {
  final String base;
  final HttpClient http;
  private final String token;

  private ApiConnection(String base, HttpClient http, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.http = http;
    this.token = token;
  }

  /** The coordinator at {@code url}, with the CA file and token the environment names. */
  static ApiConnection fromEnv(String url, Map<String, String> env) {
    if (!(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException(
          "--url (or WATTSWEEP_URL) must be an http:// or https:// URL: '" + url + "'");
    }
    String token = blankToNull(env.get("WATTSWEEP_TOKEN"));
    if (token != null && !Tokens.wellFormed(token)) {
      throw new IllegalArgumentException(
          "WATTSWEEP_TOKEN is not a token: letters, digits and"
              + " . _ ~ + / - only, '=' at the end (its value is not shown)");
    }
    var builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    String caFile = blankToNull(env.get("WATTSWEEP_CA_FILE"));
    if (caFile != null) {
      builder.sslContext(trusting(Path.of(caFile)));
    }
    return new ApiConnection(url, builder.build(), token);
  }

  /** A coordinator this process started on loopback: plain HTTP, no token. */
  static ApiConnection plain(String url) {
    return new ApiConnection(
        url, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), null);
  }

  /** A request for a path (and query) on the coordinator, with the token if there is one. */
  HttpRequest.Builder request(String pathAndQuery) {
    var req = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return req;
  }

  /** TLS that trusts the certificates in a PEM file, and only those. */
  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> cas =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (cas.isEmpty()) {
        throw new IllegalArgumentException(
            "WATTSWEEP_CA_FILE holds no PEM certificate: '" + caFile + "'");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate ca : cas) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return tls;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "WATTSWEEP_CA_FILE cannot be read: '"
              + caFile
              + "' ("
              + e.getClass().getSimpleName()
              + ")");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "WATTSWEEP_CA_FILE holds no usable PEM certificate: '"
              + caFile
              + "' ("
              + e.getMessage()
              + ")");
    }
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.strip();
  }
}
