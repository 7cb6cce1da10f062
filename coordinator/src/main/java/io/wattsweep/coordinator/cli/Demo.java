package io.wattsweep.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.CoordinatorMain;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.report.SweepReport;
import io.wattsweep.kafka.LocalBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wattsweep demo}: a local broker, a coordinator and a worker, each its own process; a small
 * sweep submitted over HTTP; progress; the result table. The catalog, the logs, the report and the
 * runs' trained generators (artifacts) stay in {@code ./wattsweep-data}. Every process it started
 * is stopped on exit or Ctrl-C.
 */
final class Demo {
  private static final String WORKER_MAIN = "io.wattsweep.worker.WorkerMain";

  private Demo() {}

  static int run(Installation installation, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    Path data = Path.of("wattsweep-data").toAbsolutePath();
    Path logs = data.resolve("logs");
    Files.createDirectories(logs);
    List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());
    Thread stopAll = new Thread(() -> stop(started), "demo-stop");
    Runtime.getRuntime().addShutdownHook(stopAll);
    try {
      out.println("Starting a local Kafka broker...");
      LocalBroker broker =
          LocalBroker.start(
              LocalBroker.Options.of(
                      data.resolve("kafka"), installation.classpath(Program.KAFKA_BROKER))
                  .withPort(0));
      started.add(broker);
      int port = freePort(8080);
      int workerMetricsPort = freePort(9400);
      Map<String, String> env = new HashMap<>();
      // The demo's own stack: plain Kafka, an API on loopback without tokens, whatever the
      // caller's shell sets (a blank variable reads as unset).
      KafkaSecurity.VARIABLES.forEach(key -> env.put(key, ""));
      for (String key :
          List.of(
              "WATTSWEEP_TOKENS_FILE",
              "WATTSWEEP_TLS_CERT_FILE",
              "WATTSWEEP_TLS_KEY_FILE",
              "WATTSWEEP_INSECURE",
              "WATTSWEEP_HTTP_HOST")) {
        env.put(key, "");
      }
      env.putAll(
          Map.of(
              "WATTSWEEP_KAFKA_BOOTSTRAP", broker.bootstrapServers(),
              "WATTSWEEP_HTTP_PORT", Integer.toString(port),
              "WATTSWEEP_METRICS_PORT", Integer.toString(workerMetricsPort),
              "WATTSWEEP_CATALOG_JDBC_URL", "jdbc:h2:file:" + data.resolve("catalog"),
              "WATTSWEEP_ARTIFACT_STORE", data.resolve("artifacts").toUri().toString(),
              "WATTSWEEP_GPU_CLASS", "cpu",
              "WATTSWEEP_GPU_CLASSES", "cpu"));
      out.println(
          "Kafka at "
              + broker.bootstrapServers()
              + "; starting the coordinator and a"
              + " worker (logs in "
              + logs
              + ")...");
      started.add(
          ServiceProcess.start(
              installation,
              Program.COORDINATOR,
              CoordinatorMain.class.getName(),
              env,
              logs.resolve("coordinator.log"),
              "512m"));
      started.add(
          ServiceProcess.start(
              installation, Program.WORKER, WORKER_MAIN, env, logs.resolve("worker.log"), "256m"));
      String base = "http://127.0.0.1:" + port;
      var connection = ApiConnection.plain(base);
      var api = new ApiClient(connection);
      waitHealthy(api, Duration.ofSeconds(60));
      out.println("Coordinator at " + base + " (API: /api/v1/sweeps)");
      out.println("Dashboard at " + Cli.dashboard(base) + " (live power, progress, results)");
      out.println(
          "Metrics at "
              + base
              + "/metrics (coordinator) and http://127.0.0.1:"
              + workerMetricsPort
              + "/metrics (worker), for Prometheus");
      String sweepId = api.submit(demoSweep(), true);
      out.println(
          "Submitted sweep "
              + sweepId
              + " (3dgan at scale 0.25, fp32, batch sizes 4, 8"
              + " and 16, 10 measured batches each)");
      SweepView done =
          Cli.waitFor(api, new LiveStatusClient(connection), sweepId, Duration.ofMinutes(20), out);
      out.println();
      out.print(Printable.text(ResultTable.render(done)));
      Path reports = data.resolve("reports").resolve(sweepId);
      SweepReport.write(done, api.powerTraces(done), reports);
      out.println("Report (charts, CSV, HTML): " + reports.resolve(SweepReport.HTML));
      out.println(artifactsLine(api, sweepId, data.resolve("artifacts")));
      out.printf(
          "%nDemo finished in %.0f s. Catalog kept in %s; look again with"
              + " ./wattsweep status %s (with a coordinator running).%n",
          (System.nanoTime() - t0) / 1e9, data, sweepId);
      return done.jobCounts().getOrDefault("FAILED", 0) == 0 ? 0 : 1;
    } finally {
      stop(started);
      Runtime.getRuntime().removeShutdownHook(stopAll);
    }
  }

  /** Where the sweep's trained generators are, counted from the catalog's model versions. */
  private static String artifactsLine(ApiClient api, String sweepId, Path dir) throws IOException {
    int saved = 0;
    JsonNode versions = Json.MAPPER.readTree(api.body("/api/v1/models/3dgan/versions"));
    for (JsonNode v : versions.get("versions")) {
      if (sweepId.equals(v.path("sweepId").asText()) && !v.path("artifactUri").isNull()) {
        saved++;
      }
    }
    return "Artifacts: "
        + saved
        + " trained generators (zipped TensorFlow checkpoints; URI,"
        + " SHA-256 and size in each model version) under "
        + dir.resolve("3dgan").resolve(sweepId)
        + "; ./wattsweep versions 3dgan lists them";
  }

  private static String demoSweep() throws IOException {
    try (InputStream in = Demo.class.getResourceAsStream("demo-sweep.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void waitHealthy(ApiClient api, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!api.healthy()) {
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the coordinator did not answer within "
                + timeout
                + "; see wattsweep-data/logs/coordinator.log");
      }
      Thread.sleep(250);
    }
  }

  /** The preferred port if it is free, else any free one. */
  private static int freePort(int preferred) throws IOException {
    try (var s = new ServerSocket(preferred)) {
      return s.getLocalPort();
    } catch (IOException taken) {
      try (var s = new ServerSocket(0)) {
        return s.getLocalPort();
      }
    }
  }

  /** Stops in reverse order of start: worker, coordinator, then the broker they use. */
  private static void stop(List<AutoCloseable> started) {
    synchronized (started) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception e) {
          System.err.println("stopping " + started.get(i) + " failed: " + e);
        }
      }
      started.clear();
    }
  }
}
