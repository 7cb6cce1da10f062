package io.wattsweep.coordinator;

import io.vertx.core.Vertx;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.kafka.LocalBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * One real Kafka broker and one coordinator (in this JVM, over an in-memory H2 catalog) shared by
 * the test classes of a run; stopped when the JVM exits.
 */
public final class TestStack {
  private static TestStack instance;

  /** Partitions of each jobs topic: few, so that tests see jobs move between workers. */
  private static final int TEST_JOB_PARTITIONS = 2;

  private final int jobPartitions;

  public final Path dir;
  public final LocalBroker broker;
  public final Catalog catalog;
  public final String jdbcUrl;
  public final Vertx vertx;
  public final int port;
  public final HttpClient http = HttpClient.newHttpClient();

  private TestStack(int jobPartitions) throws IOException {
    this.jobPartitions = jobPartitions;
    dir = Files.createTempDirectory("wattsweep-test");
    broker = TestBrokers.start(dir);
    jdbcUrl = "jdbc:h2:mem:wattsweep-test;DB_CLOSE_DELAY=-1";
    catalog = Catalog.open(jdbcUrl, "sa", "");
    vertx = Vertx.vertx();
    var config = CoordinatorConfig.fromEnv(coordinatorEnv(), List.of());
    var verticle = new CoordinatorVerticle(config, catalog, Clock.systemUTC());
    vertx.deployVerticle(verticle).await();
    port = verticle.httpPort();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  vertx.close().await();
                  catalog.close();
                  broker.close();
                }));
  }

  /** A coordinator on a free port of 127.0.0.1, with this stack's broker and catalog. */
  public Map<String, String> coordinatorEnv() {
    return Map.of(
        "WATTSWEEP_HTTP_PORT",
        "0",
        "WATTSWEEP_KAFKA_BOOTSTRAP",
        broker.bootstrapServers(),
        "WATTSWEEP_CATALOG_JDBC_URL",
        jdbcUrl,
        "WATTSWEEP_JOB_PARTITIONS",
        Integer.toString(jobPartitions),
        "WATTSWEEP_EVENT_PARTITIONS",
        "2",
        "WATTSWEEP_REPUBLISH_INTERVAL_MS",
        "5000");
  }

  /** This JVM's stack: started with the tests' job partitions unless a benchmark chose others. */
  public static synchronized TestStack get() throws IOException {
    return instance != null ? instance : get(TEST_JOB_PARTITIONS);
  }

  /**
   * The stack, its coordinator's jobs topics with {@code jobPartitions} partitions each (a
   * benchmark's choice; its JVM starts one stack).
   *
   * @throws IllegalStateException where this JVM's stack already has another count
   */
  public static synchronized TestStack get(int jobPartitions) throws IOException {
    if (instance == null) {
      instance = new TestStack(jobPartitions);
    } else if (instance.jobPartitions != jobPartitions) {
      throw new IllegalStateException(
          "this JVM's test stack has "
              + instance.jobPartitions
              + " job partitions, not "
              + jobPartitions);
    }
    return instance;
  }

  /** The partitions of each jobs topic its coordinator makes. */
  public int jobPartitions() {
    return jobPartitions;
  }

  public static Path root() {
    return Path.of(System.getProperty("wattsweep.root", ".."));
  }

  public HttpResponse<String> post(String body, String contentType)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sweeps"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Any method on any path, with a JSON body (or none, where {@code body} is null). */
  public HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * What a service started by a test needs: the broker, and TF_ENABLE_ONEDNN_OPTS cleared so that
   * its jobs get the kernels a worker chooses (the test JVM's own setting, oneDNN off for towers on
   * logical CPUs, would make every job run on Eigen, ten times slower).
   */
  public Map<String, String> kafkaEnv() {
    return Map.of(
        "WATTSWEEP_KAFKA_BOOTSTRAP", broker.bootstrapServers(), "TF_ENABLE_ONEDNN_OPTS", "");
  }
}
