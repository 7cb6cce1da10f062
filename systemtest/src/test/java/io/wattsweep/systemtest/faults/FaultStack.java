package io.wattsweep.systemtest.faults;

import io.wattsweep.common.Topics;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.coordinator.CoordinatorMain;
import io.wattsweep.kafka.LocalBroker;
import io.wattsweep.worker.WorkerMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A broker, a coordinator and a worker, each a process of its own, that a test may kill and start
 * again on the same data: the broker on its log folder and port, the coordinator on its catalog (an
 * H2 file or a PostgreSQL schema of its own, dropped on close) and API port. The worker runs one
 * command workload, {@value #COMMAND}, a Python script that sleeps {@value #STEP_SECONDS} s per
 * batch, so that runs are cheap and last long enough to be killed mid-run.
 */
final class FaultStack implements AutoCloseable {
  static final String COMMAND = "sleepy";
  static final String STEP_SECONDS = "0.35";

  /** A run silent this long is judged lost by the coordinator, which queues its job again. */
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(6);

  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String SCRIPT =
      """
      import os, time
      steps = int(os.environ["WATTSWEEP_WARMUP_BATCHES"]) \\
          + int(os.environ["WATTSWEEP_MEASURED_BATCHES"])
      for i in range(steps):
          print("WATTSWEEP_STEP batch", flush=True)
          time.sleep(%s)
      """
          .formatted(STEP_SECONDS);
  private static final String COMMANDS =
      "commands:\n  "
          + COMMAND
          + ":\n    argv: [python3, sleepy.py]\n    fullTraining: {datasetSize: 100, epochs: 1}\n";

  final Path dir;
  final String db;
  final ApiReader api;
  private final String jdbcUrl;
  private final String schema;
  private final int httpPort;
  private final Installation installation = Installation.current();
  private LocalBroker broker;
  private Process coordinator;
  private Process worker;
  private int starts;

  private FaultStack(Path dir, String db, String jdbcUrl, String schema, int httpPort) {
    this.dir = dir;
    this.db = db;
    this.jdbcUrl = jdbcUrl;
    this.schema = schema;
    this.httpPort = httpPort;
    this.api = new ApiReader(httpPort);
  }

  /** Starts all three on a fresh catalog of {@code db}, "h2" or "postgresql". */
  static FaultStack start(String db) throws Exception {
    Path dir = Files.createTempDirectory("wattsweep-faults-" + db);
    String schema = null;
    String url;
    if (db.equals("h2")) {
      url = "jdbc:h2:file:" + dir.resolve("catalog");
    } else if (db.equals("postgresql")) {
      schema = "faults" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      try (var c = DriverManager.getConnection(PG_URL, "postgres", "")) {
        c.createStatement().execute("CREATE SCHEMA " + schema);
      }
      url = PG_URL + "?currentSchema=" + schema;
    } else {
      throw new IllegalArgumentException("db must be h2 or postgresql: '" + db + "'");
    }
    Files.writeString(dir.resolve("sleepy.py"), SCRIPT);
    Files.writeString(dir.resolve("commands.yaml"), COMMANDS);
    var stack = new FaultStack(dir, db, url, schema, freePort());
    try {
      stack.startBroker(0);
      stack.startCoordinator();
      stack.startWorker();
    } catch (Exception e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  void startBroker(int port) {
    broker =
        LocalBroker.start(
            LocalBroker.Options.of(
                    dir.resolve("kafka"), installation.classpath(Program.KAFKA_BROKER))
                .withPort(port)
                .withStartTimeout(Duration.ofSeconds(90)));
  }

  /** SIGKILL to the broker; then a new one on the same log folder and port. */
  void killAndRestartBroker() throws InterruptedException {
    int port = broker.port();
    ProcessHandle.of(broker.pid()).ifPresent(ProcessHandle::destroyForcibly);
    awaitExit(broker.onExit(), "broker");
    startBroker(port);
  }

  void startCoordinator() throws Exception {
    var env = new HashMap<>(kafkaEnv());
    env.put("WATTSWEEP_HTTP_PORT", Integer.toString(httpPort));
    env.put("WATTSWEEP_CATALOG_JDBC_URL", jdbcUrl);
    env.put("WATTSWEEP_CATALOG_USER", db.equals("h2") ? "sa" : "postgres");
    env.put("WATTSWEEP_JOB_PARTITIONS", "2");
    env.put("WATTSWEEP_EVENT_PARTITIONS", "2");
    env.put("WATTSWEEP_REPUBLISH_INTERVAL_MS", "2000");
    env.put("WATTSWEEP_RUN_TIMEOUT_MS", Long.toString(RUN_TIMEOUT.toMillis()));
    coordinator = launch(Program.COORDINATOR, CoordinatorMain.class.getName(), env, "512m");
    api.awaitHealthy(Duration.ofSeconds(90), coordinator);
  }

  /** SIGKILL to the coordinator. */
  void killCoordinator() throws InterruptedException {
    coordinator.destroyForcibly();
    awaitExit(coordinator.onExit(), "coordinator");
  }

  void startWorker() throws IOException {
    var env = new HashMap<>(kafkaEnv());
    env.put("WATTSWEEP_GPU_CLASS", "cpu");
    env.put("WATTSWEEP_WORKER_ID", "fault-worker-" + (starts + 1));
    env.put("WATTSWEEP_COMMANDS_FILE", dir.resolve("commands.yaml").toString());
    env.put("WATTSWEEP_HEARTBEAT_INTERVAL_MS", "1000");
    env.put("WATTSWEEP_IDLE_BASELINE_MS", "200");
    env.put("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", "200");
    env.put("WATTSWEEP_JOB_HEAP_MB", "128");
    env.put("WATTSWEEP_METRICS_PORT", "0");
    env.put("WATTSWEEP_ARTIFACT_STORE", "file:" + dir.resolve("artifacts"));
    worker = launch(Program.WORKER, WorkerMain.class.getName(), env, "192m");
  }

  /** The worker's job processes (a JVM and the command under it), as they are now. */
  List<ProcessHandle> workerDescendants() {
    return worker.descendants().toList();
  }

  /** SIGKILL to the worker. */
  void killWorker() throws InterruptedException {
    worker.destroyForcibly();
    awaitExit(worker.onExit(), "worker");
  }

  /** SIGTERM to the worker; returns its exit status. */
  int stopWorker() throws InterruptedException {
    worker.destroy();
    awaitExit(worker.onExit(), "worker");
    return worker.exitValue();
  }

  /**
   * Whether every job record of the worker group has been committed: nothing is left for a worker
   * to take, or to take again.
   */
  boolean jobsTopicDrained() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      String topic = Topics.jobs("cpu");
      var partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      var ends =
          admin
              .listOffsets(
                  partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
              .all()
              .get();
      var committed =
          admin
              .listConsumerGroupOffsets(Topics.workerGroup("cpu"))
              .partitionsToOffsetAndMetadata()
              .get();
      return partitions.stream()
          .allMatch(
              p ->
                  ends.get(p).offset() == 0
                      || (committed.get(p) != null
                          && committed.get(p).offset() >= ends.get(p).offset()));
    }
  }

  /** Where each process writes its output, for failure messages. */
  String logs() {
    return "logs in " + dir;
  }

  private Map<String, String> kafkaEnv() {
    return Map.of("WATTSWEEP_KAFKA_BOOTSTRAP", broker.bootstrapServers());
  }

  private Process launch(Program program, String mainClass, Map<String, String> env, String heap)
      throws IOException {
    starts++;
    String name = program.name().toLowerCase(Locale.ROOT);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var pb =
        new ProcessBuilder(java, "-Xmx" + heap, "-cp", installation.classpath(program), mainClass)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + "-" + starts + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private static void awaitExit(CompletableFuture<?> exit, String name)
      throws InterruptedException {
    try {
      exit.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the " + name + " did not exit in 30 s: " + e);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops what still runs, and drops the PostgreSQL schema. */
  @Override
  public void close() throws SQLException {
    for (Process p : new Process[] {worker, coordinator}) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    if (broker != null) {
      broker.close();
    }
    if (schema != null) {
      try (var c = DriverManager.getConnection(PG_URL, "postgres", "")) {
        c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}
