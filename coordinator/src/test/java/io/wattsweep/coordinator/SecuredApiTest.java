package io.wattsweep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.tls.SelfSignedTls;
import io.wattsweep.coordinator.access.Tokens;
import io.wattsweep.coordinator.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator with tokens, over HTTPS with a certificate made for this run: who may do what, who
 * a sweep's submitter is, the dashboard's cookie, and the CLI with a CA file and a token.
 */
class SecuredApiTest {
  private static final String READER = Tokens.newToken();
  private static final String SUBMITTER = Tokens.newToken();
  private static final String ADMIN = Tokens.newToken();

  /** A class no worker serves: the sweeps submitted here stay queued. */
  private static final String SWEEP =
      """
      {"name": "access-test", "model": "3dgan", "scale": 0.25, "gpuClass": ["access-test"],
       "precision": ["fp32"], "batchSize": [4], "gpus": [1]}""";

  @TempDir static Path dir;
  private static TestStack stack;
  private static SelfSignedTls tls;
  private static Vertx vertx;
  private static String base;
  private static HttpClient https;

  @BeforeAll
  static void startSecuredCoordinator() throws Exception {
    stack = TestStack.get();
    tls = SelfSignedTls.create(dir.resolve("tls"));
    Path tokens =
        Files.writeString(
            dir.resolve("tokens"),
            """
        # role per token
        %s  read    reader
        %s  submit  alice
        %s  admin   ops
        """
                .formatted(Tokens.hash(READER), Tokens.hash(SUBMITTER), Tokens.hash(ADMIN)));
    var env = new HashMap<>(stack.coordinatorEnv());
    env.put("WATTSWEEP_TOKENS_FILE", tokens.toString());
    env.put("WATTSWEEP_TLS_CERT_FILE", tls.certificatePem().toString());
    env.put("WATTSWEEP_TLS_KEY_FILE", tls.privateKeyPem().toString());
    env.put("WATTSWEEP_HTTP_HOST", "127.0.0.1");
    vertx = Vertx.vertx();
    var verticle =
        new CoordinatorVerticle(
            CoordinatorConfig.fromEnv(env, List.of()), stack.catalog, Clock.systemUTC());
    vertx.deployVerticle(verticle).await();
    base = "https://127.0.0.1:" + verticle.httpPort();
    https = HttpClient.newBuilder().sslContext(trusting(tls)).build();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void aSubmitWithoutATokenGets401AndABearerChallenge() throws Exception {
    var res = send("POST", "/api/v1/sweeps", null, SWEEP);

    assertEquals(401, res.statusCode(), res.body());
    assertEquals(
        "Bearer realm=\"wattsweep\"", res.headers().firstValue("WWW-Authenticate").orElse(""));
    assertTrue(error(res).startsWith("this call needs a token with the 'submit' role"), res.body());
  }

  @Test
  void anUnknownTokenGets401() throws Exception {
    var res = send("GET", "/api/v1/sweeps", Tokens.newToken(), null);

    assertEquals(401, res.statusCode(), res.body());
    assertTrue(
        res.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""),
        res.headers().toString());
    assertEquals("unknown token", error(res));
  }

  @Test
  void aReadTokenCannotSubmitButCanRead() throws Exception {
    var res = send("POST", "/api/v1/sweeps", READER, SWEEP);

    assertEquals(403, res.statusCode(), res.body());
    assertEquals("this call needs the 'submit' role; the token of 'reader' has 'read'", error(res));
    assertEquals(200, send("GET", "/api/v1/sweeps", READER, null).statusCode());
  }

  @Test
  void aSubmitTokenSubmitsAsItsIdentityWhateverTheUserHeaderSays() throws Exception {
    var res =
        https.send(
            request("/api/v1/sweeps", SUBMITTER)
                .header("Content-Type", "application/json")
                .header("X-Wattsweep-User", "mallory")
                .POST(HttpRequest.BodyPublishers.ofString(SWEEP))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(201, res.statusCode(), res.body());
    String sweepId = Json.MAPPER.readTree(res.body()).get("sweepId").asText();
    try (var c = DriverManager.getConnection(stack.jdbcUrl, "sa", "");
        var ps = c.prepareStatement("SELECT submitted_by FROM sweeps WHERE sweep_id = ?")) {
      ps.setString(1, sweepId);
      try (var rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertEquals("alice", rs.getString(1));
      }
    }
  }

  @Test
  void movingAnAliasNeedsAnAdminToken() throws Exception {
    String alias = "/api/v1/models/3dgan/aliases/access-test";
    String body = "{\"version\": 999999}";

    var bySubmitter = send("PUT", alias, SUBMITTER, body);
    assertEquals(403, bySubmitter.statusCode(), bySubmitter.body());
    assertEquals(
        "this call needs the 'admin' role; the token of 'alice' has 'submit'", error(bySubmitter));
    assertEquals(403, send("DELETE", alias, READER, null).statusCode());
    // Past the access check, the API itself answers: there is no such version.
    var byAdmin = send("PUT", alias, ADMIN, body);
    assertEquals(404, byAdmin.statusCode(), byAdmin.body());
  }

  @Test
  void healthAndMetricsAreOpen() throws Exception {
    assertEquals(200, send("GET", "/health", null, null).statusCode());
    var metrics = send("GET", "/metrics", null, null);
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("wattsweep_sweeps"), metrics.body());
  }

  @Test
  void theDashboardNeedsAReadTokenWhichItsLoginSetsAsACookieForReadsOnly() throws Exception {
    var page = send("GET", "/dashboard/", null, null);
    assertEquals(401, page.statusCode());
    assertTrue(
        page.body().contains("<form method=\"post\" action=\"/dashboard/login\">"), page.body());

    assertEquals(401, login("not-a-known-token").statusCode());
    var login = login(READER);
    assertEquals(303, login.statusCode(), login.body());
    assertEquals("/dashboard/", login.headers().firstValue("Location").orElse(""));
    String setCookie = login.headers().firstValue("Set-Cookie").orElse("");
    assertEquals(
        "wattsweep_token=" + READER + "; Path=/; Secure; HTTPOnly; SameSite=Strict", setCookie);

    String cookie = "wattsweep_token=" + READER;
    assertEquals(200, withCookie("GET", "/dashboard/", cookie).statusCode());
    assertEquals(200, withCookie("GET", "/api/v1/sweeps", cookie).statusCode());
    // A browser sends cookies with other sites' forms too: they never authorise a write.
    var post = withCookie("POST", "/api/v1/sweeps", "wattsweep_token=" + SUBMITTER);
    assertEquals(401, post.statusCode(), post.body());
  }

  @Test
  void theCliTalksHttpsTrustingTheCaFileAndSendsTheToken() throws Exception {
    Map<String, String> env =
        Map.of(
            "WATTSWEEP_URL",
            base,
            "WATTSWEEP_CA_FILE",
            tls.certificatePem().toString(),
            "WATTSWEEP_TOKEN",
            READER);
    assertEquals(0, cli(env, "status").code, "with CA file and token");

    var withoutCa = cli(Map.of("WATTSWEEP_URL", base, "WATTSWEEP_TOKEN", READER), "status");
    assertEquals(1, withoutCa.code);
    assertTrue(withoutCa.err.contains("TLS with " + base + " failed"), withoutCa.err);

    var withoutToken =
        cli(
            Map.of("WATTSWEEP_URL", base, "WATTSWEEP_CA_FILE", tls.certificatePem().toString()),
            "status");
    assertEquals(1, withoutToken.code);
    assertTrue(
        withoutToken.err.contains("HTTP 401: this call needs a token with the 'read'" + " role"),
        withoutToken.err);
    assertTrue(!withoutToken.err.contains(READER) && !withoutCa.err.contains(READER));
  }

  private record CliRun(int code, String out, String err) {}

  private static CliRun cli(Map<String, String> env, String... args) throws Exception {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int code =
        Cli.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> login(String token) throws Exception {
    return https.send(
        HttpRequest.newBuilder(URI.create(base + "/dashboard/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("token=" + token))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> withCookie(String method, String path, String cookie)
      throws Exception {
    return https.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Cookie", cookie)
            .header("Content-Type", "application/json")
            .method(
                method,
                method.equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(SWEEP))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    return https.send(
        request(path, token)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path, String token) {
    var req = HttpRequest.newBuilder(URI.create(base + path));
    return token == null ? req : req.header("Authorization", "Bearer " + token);
  }

  private static String error(HttpResponse<String> res) throws Exception {
    return Json.MAPPER.readTree(res.body()).path("error").asText();
  }

  private static SSLContext trusting(SelfSignedTls tls) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.truststore())) {
      trust.load(in, tls.password().toCharArray());
    }
    var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
