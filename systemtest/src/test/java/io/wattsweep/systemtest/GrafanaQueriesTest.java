package io.wattsweep.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.TestStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files against real parts: a real Prometheus (the Debian package) with
 * deploy/prometheus's configuration and rules scrapes a running coordinator and a (fake-GPU) worker
 * while a sweep runs; then every query of every Grafana dashboard in deploy/grafana must return
 * data through Prometheus's HTTP API. promtool checks the configurations and runs the rules' unit
 * tests.
 */
class GrafanaQueriesTest {
  private static final Path DEPLOY = TestStack.root().resolve("deploy");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.+),\\s*(\\w+)\\)$");

  @Test
  void everyQueryOfTheGrafanaDashboardsReturnsDataFromARunningStack() throws Exception {
    Path prometheus = onPath("prometheus");
    TestStack stack = TestStack.get();
    MonitoredWorker worker = MonitoredWorker.get();
    Path dir = Files.createTempDirectory(stack.dir, "prometheus");
    int port = freePort();
    Path config = localConfig(dir, stack.port, worker.metricsPort);
    Process server =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    try {
      String api = "http://127.0.0.1:" + port;
      awaitReady(stack, api, server, dir.resolve("prometheus.log"));
      long start = System.currentTimeMillis() / 1000;
      String sweepId =
          MonitoredWorker.submit(
              stack,
              """
          name: grafana-queries
          model: 3dgan
          scale: 0.25
          gpuClass: [%s]
          precision: [fp32]
          batchSize: [2, 4]
          gpus: [1]
          warmupBatches: 1
          """
                  .formatted(MonitoredWorker.GPU_CLASS));
      worker.awaitFinished(stack, sweepId, Duration.ofMinutes(3));
      Thread.sleep(7_000); // the coordinator's gauges refresh every 5 s; a few more scrapes
      long end = System.currentTimeMillis() / 1000;

      Map<String, String> queries = dashboardQueries();
      assertTrue(queries.size() >= 20, "the dashboards' queries were found: " + queries);
      List<String> empty = new ArrayList<>();
      for (var q : queries.entrySet()) {
        String problem = check(stack, api, q.getValue(), start, end);
        if (problem != null) {
          empty.add(q.getKey() + "\n    " + q.getValue() + "\n    -> " + problem);
        }
      }
      assertTrue(
          empty.isEmpty(),
          empty.size()
              + " of "
              + queries.size()
              + " dashboard queries returned no data:\n"
              + String.join("\n", empty)
              + "\nPrometheus targets: "
              + get(stack, api + "/api/v1/targets"));
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void prometheusConfigurationsAndRulesAreValidAndTheRulesUnitTestsPass() throws Exception {
    Path promtool = onPath("promtool");
    Path rules = DEPLOY.resolve("prometheus/rules");
    List<String> files;
    try (Stream<Path> s = Files.list(rules)) {
      files = s.map(Path::toString).filter(f -> f.endsWith(".yml")).sorted().toList();
    }
    assertEquals(2, files.size(), files.toString());
    run(promtool, "check", "config", DEPLOY.resolve("prometheus/prometheus.yml").toString());
    run(promtool, "check", "config", DEPLOY.resolve("compose/prometheus.yml").toString());
    var checkRules = new ArrayList<>(List.of(promtool.toString(), "check", "rules"));
    checkRules.addAll(files);
    run(checkRules.toArray(String[]::new));
    run(
        promtool,
        "test",
        "rules",
        DEPLOY.resolve("prometheus/tests/wattsweep-rules-test.yml").toString());
  }

  /** deploy/prometheus/prometheus.yml pointed at the test's services, scraping every second. */
  private static Path localConfig(Path dir, int coordinatorPort, int workerPort)
      throws IOException {
    String deployed = Files.readString(DEPLOY.resolve("prometheus/prometheus.yml"));
    String config =
        deployed
            .replace("localhost:8080", "127.0.0.1:" + coordinatorPort)
            .replace("localhost:9400", "127.0.0.1:" + workerPort)
            .replace("scrape_interval: 5s", "scrape_interval: 1s")
            .replace("evaluation_interval: 5s", "evaluation_interval: 1s");
    for (String changed :
        List.of(
            "127.0.0.1:" + coordinatorPort,
            "127.0.0.1:" + workerPort,
            "scrape_interval: 1s",
            "evaluation_interval: 1s")) {
      assertTrue(
          config.contains(changed),
          "deploy/prometheus/prometheus.yml changed shape; the" + " test could not set " + changed);
    }
    Path rules = Files.createDirectories(dir.resolve("rules"));
    try (Stream<Path> s = Files.list(DEPLOY.resolve("prometheus/rules"))) {
      for (Path f : s.toList()) {
        Files.copy(f, rules.resolve(f.getFileName()));
      }
    }
    return Files.writeString(dir.resolve("prometheus.yml"), config);
  }

  /** Every query of every dashboard, keyed by where it is ("file: panel"). */
  static Map<String, String> dashboardQueries() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode board = Json.MAPPER.readTree(f.toFile());
        String name = f.getFileName().toString();
        for (JsonNode v : board.path("templating").path("list")) {
          if ("query".equals(v.path("type").asText())) {
            JsonNode q = v.path("query");
            out.put(
                name + ": variable " + v.path("name").asText(),
                q.isTextual() ? q.asText() : q.path("query").asText());
          }
        }
        collectTargets(name, board.path("panels"), out);
      }
    }
    return out;
  }

  private static void collectTargets(String file, JsonNode panels, Map<String, String> out) {
    for (JsonNode p : panels) {
      for (JsonNode t : p.path("targets")) {
        out.put(
            file + ": " + p.path("title").asText() + " [" + t.path("refId").asText() + "]",
            t.path("expr").asText());
      }
      collectTargets(file, p.path("panels"), out);
    }
  }

  /** Null when the query returns at least one number, else what it returned. */
  private static String check(TestStack stack, String api, String query, long start, long end)
      throws Exception {
    Matcher lv = LABEL_VALUES.matcher(query.strip());
    if (lv.matches()) { // Grafana's own function: the label's values among the series
      JsonNode values =
          Json.MAPPER.readTree(
              get(
                  stack,
                  api
                      + "/api/v1/label/"
                      + lv.group(2)
                      + "/values?match[]="
                      + enc(lv.group(1))
                      + "&start="
                      + start
                      + "&end="
                      + end));
      return values.path("data").size() > 0 ? null : values.toString();
    }
    String promql =
        query
            .replace("$__rate_interval", "1m")
            .replace("$__interval", "5s")
            .replace("$__range", (end - start) + "s")
            .replace("$worker", ".*");
    assertTrue(!promql.contains("$"), "a Grafana variable this test does not know: " + query);
    JsonNode res =
        Json.MAPPER.readTree(
            get(
                stack,
                api
                    + "/api/v1/query_range?query="
                    + enc(promql)
                    + "&start="
                    + start
                    + "&end="
                    + end
                    + "&step=1"));
    if (!"success".equals(res.path("status").asText())) {
      return res.toString();
    }
    for (JsonNode series : res.path("data").path("result")) {
      for (JsonNode point : series.path("values")) {
        double v = Double.parseDouble(point.get(1).asText());
        if (Double.isFinite(v)) {
          return null;
        }
      }
    }
    return "no finite value: " + res.path("data").path("result");
  }

  private static void awaitReady(TestStack stack, String api, Process server, Path log)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(server.isAlive(), "prometheus exited: " + Files.readString(log));
      try {
        if (stack
                .http
                .send(
                    HttpRequest.newBuilder(URI.create(api + "/-/ready")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("prometheus not ready in 30 s: " + Files.readString(log));
  }

  private static String get(TestStack stack, String url) throws Exception {
    return stack
        .http
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void run(Path tool, String... args) throws Exception {
    var cmd = new ArrayList<String>();
    cmd.add(tool.toString());
    cmd.addAll(List.of(args));
    run(cmd.toArray(String[]::new));
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
  }

  /** A tool of the Debian package prometheus; the test fails, never skips, without it. */
  private static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    assertNotNull(
        null,
        name
            + " is not installed: this test needs the Debian package"
            + " prometheus (apt-get install prometheus; ./wattsweep test installs it)");
    return null;
  }

  private static int freePort() throws IOException {
    try (var s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
