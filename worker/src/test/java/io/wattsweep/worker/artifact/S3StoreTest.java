package io.wattsweep.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUTs into a small in-test S3 endpoint that checks each request as S3 would. */
class S3StoreTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-27T10:15:30Z"), ZoneOffset.UTC);
  private static final ArtifactKey KEY =
      new ArtifactKey("3dgan", "s1", "s1-0123456789", "s1-0123456789-r1", "generator.zip");

  /** What the endpoint received. */
  private record Received(
      String method, String rawPath, Map<String, String> headers, byte[] body) {}

  @TempDir Path dir;
  private HttpServer server;
  private final AtomicReference<Received> received = new AtomicReference<>();
  private volatile int status = 200;
  private volatile String answer = "";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          var headers = new LinkedHashMap<String, String>();
          exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
          received.set(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  headers,
                  exchange.getRequestBody().readAllBytes()));
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private S3Access access(String sessionToken) {
    return new S3Access(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
        "eu-west-1",
        "AKIDTEST",
        "secret/key+test",
        sessionToken);
  }

  private S3Store store(String uri, S3Access access) {
    return new S3Store(URI.create(uri), access, HttpClient.newHttpClient(), CLOCK);
  }

  @Test
  void aPutIsSignedOverWhatIsSentAndNamesTheObject() throws Exception {
    byte[] content = "checkpoint bytes".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("generator.zip"), content);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

    URI uri = store("s3://models/wattsweep/runs/", access(null)).put(KEY, file, sha256);

    Received r = received.get();
    String path = "/models/wattsweep/runs/3dgan/s1/s1-0123456789/s1-0123456789-r1/generator.zip";
    assertEquals(
        URI.create(
            "s3://models/wattsweep/runs/3dgan/s1/s1-0123456789/s1-0123456789-r1/"
                + "generator.zip"),
        uri);
    assertEquals("PUT", r.method());
    assertEquals(path, r.rawPath());
    assertArrayEquals(content, r.body());
    assertEquals(sha256, r.headers().get("x-amz-content-sha256"));
    assertEquals("20261127T101530Z", r.headers().get("x-amz-date"));
    assertEquals(Integer.toString(content.length), r.headers().get("content-length"));
    // The endpoint's own check: the signature over the request as it arrived.
    Map<String, String> signed =
        Map.of(
            "host",
            r.headers().get("host"),
            "x-amz-content-sha256",
            sha256,
            "x-amz-date",
            "20261127T101530Z");
    assertEquals(
        new SigV4("AKIDTEST", "secret/key+test", "eu-west-1", "s3")
            .authorization("PUT", path, Map.of(), signed, sha256),
        r.headers().get("authorization"));
  }

  @Test
  void temporaryCredentialsSendAndSignTheirSessionToken() throws Exception {
    Path file = Files.writeString(dir.resolve("generator.zip"), "x");
    String sha256 = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";

    store("s3://models", access("token-123")).put(KEY, file, sha256);

    Received r = received.get();
    assertEquals("token-123", r.headers().get("x-amz-security-token"));
    assertTrue(
        r.headers()
            .get("authorization")
            .contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
        r.headers().get("authorization"));
  }

  @Test
  void aRefusedPutFailsWithTheStoresAnswer() throws Exception {
    status = 403;
    answer = "<Error><Code>AccessDenied</Code></Error>";
    Path file = Files.writeString(dir.resolve("generator.zip"), "x");

    IOException e =
        assertThrows(
            IOException.class,
            () ->
                store("s3://models", access(null))
                    .put(
                        KEY,
                        file,
                        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"));

    assertTrue(e.getMessage().contains("bucket models"), e.getMessage());
    assertTrue(e.getMessage().contains("answered 403: <Error><Code>AccessDenied"), e.getMessage());
  }

  @Test
  void badStoreUrisAreRejectedNamingTheKeyAndValue() {
    for (var bad :
        List.of(
            List.of(
                "ftp://host/dir",
                "WATTSWEEP_ARTIFACT_STORE must be a file: or s3:// URI:" + " 'ftp://host/dir'"),
            List.of(
                "/data/artifacts",
                "WATTSWEEP_ARTIFACT_STORE must be a file: or s3:// URI:" + " '/data/artifacts'"),
            List.of("s3://Bad_Bucket/x", "WATTSWEEP_ARTIFACT_STORE must be s3://BUCKET[/PREFIX]"),
            List.of("file://otherhost/dir", "WATTSWEEP_ARTIFACT_STORE must name a local directory"),
            List.of("file:a b", "WATTSWEEP_ARTIFACT_STORE is not a URI"))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ArtifactStore.parse(bad.get(0)));
      assertTrue(e.getMessage().startsWith(bad.get(1)), e.getMessage());
      assertTrue(e.getMessage().endsWith("'" + bad.get(0) + "'"), e.getMessage());
    }
  }
}
