package io.wattsweep.kafka;

import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.tls.SelfSignedTls;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka 4 broker in KRaft mode (broker and controller roles in one process) on
 * 127.0.0.1, for development, tests and one-machine demos.
 *
 * <p>The broker runs as a child JVM on its own classpath ({@link
 * Installation.Program#KAFKA_BROKER}), because it needs the Kafka 4.x jars while the services use
 * kafka-clients 3.7 through vertx-kafka-client, and one classpath cannot hold both. Its output goes
 * to {@code broker.log} in the data directory; its storage in {@code logs/} is formatted on the
 * first start and reused by later ones. A JVM shutdown hook stops the child if the caller forgets
 * to {@link #close()} it, and the child stops itself within seconds if this JVM dies without
 * running its hooks (SIGKILL).
 *
 * <p>Its listener is PLAINTEXT, or SASL_SSL ({@link Options#withSaslSsl}) to try the services'
 * Kafka security settings: a self-signed certificate for 127.0.0.1 and one SCRAM-SHA-512 user,
 * whose password the format tool sees on its command line (a local broker only). The controller's
 * listener stays PLAINTEXT on loopback.
 */
public final class LocalBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBroker.class);

  /** The only address the broker listens on. */
  public static final String HOST = "127.0.0.1";

  /** How long {@link #close()} waits for a controlled shutdown before killing the broker. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final long POLL_MILLIS = 100;
  private static final int LOG_TAIL_LINES = 40;
  private static final String LOG_FILE = "broker.log";
  private static final String PROPERTIES_FILE = "server.properties";
  private static final String STORAGE_DIR = "logs";
  private static final String WATCHDOG_DIR = "watchdog";
  private static final String TLS_DIR = "tls";

  /**
   * How to start a broker.
   *
   * @param dataDir where server.properties, broker.log and the storage ({@code logs/}) live;
   *     created if missing, reused if already formatted
   * @param classpath the broker's jars, joined by the path separator (see {@link
   *     Installation#classpath})
   * @param port the broker's listener port on 127.0.0.1; 0 picks a free one
   * @param startTimeout how long formatting and start-up may take together
   * @param brokerProperties server.properties settings that replace or add to the defaults
   * @param saslSsl null for a PLAINTEXT listener; else the listener is SASL_SSL (a self-signed
   *     certificate made at each start, see {@link #clientSecurity()}) and this SCRAM-SHA-512 user,
   *     added when the storage is formatted, may log in
   */
  public record Options(
      Path dataDir,
      String classpath,
      int port,
      Duration startTimeout,
      Map<String, String> brokerProperties,
      ScramUser saslSsl) {
    /** Default start timeout: a cold broker starts in a few seconds, a loaded CI box is slower. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    public Options {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(classpath, "classpath");
      Objects.requireNonNull(startTimeout, "startTimeout");
      if (classpath.isBlank()) {
        throw new IllegalArgumentException("classpath must name the broker's jars: blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be > 0: " + startTimeout);
      }
      brokerProperties = Map.copyOf(brokerProperties);
    }

    /** A free port, a {@link #DEFAULT_START_TIMEOUT} and the default broker settings. */
    public static Options of(Path dataDir, String classpath) {
      return new Options(dataDir, classpath, 0, DEFAULT_START_TIMEOUT, Map.of(), null);
    }

    public Options withPort(int newPort) {
      return new Options(dataDir, classpath, newPort, startTimeout, brokerProperties, saslSsl);
    }

    public Options withStartTimeout(Duration newStartTimeout) {
      return new Options(dataDir, classpath, port, newStartTimeout, brokerProperties, saslSsl);
    }

    /** These options with one server.properties setting replaced or added. */
    public Options withBrokerProperty(String key, String value) {
      Map<String, String> merged = new HashMap<>(brokerProperties);
      merged.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return new Options(dataDir, classpath, port, startTimeout, merged, saslSsl);
    }

    /** These options with a SASL_SSL listener where {@code user} logs in. */
    public Options withSaslSsl(ScramUser user) {
      return new Options(
          dataDir,
          classpath,
          port,
          startTimeout,
          brokerProperties,
          Objects.requireNonNull(user, "user"));
    }
  }

  /**
   * A SCRAM user of a SASL_SSL broker: letters, digits, '.', '_' and '-' only, since the format
   * tool's {@code --add-scram} splits on ',' and '='.
   */
  public record ScramUser(String name, String password) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public ScramUser {
      if (name == null || !SAFE.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name must be 1 to 128 letters, digits, '.', '_' or '-': '" + name + "'");
      }
      if (password == null || !SAFE.matcher(password).matches()) {
        throw new IllegalArgumentException(
            "password must be 1 to 128 letters, digits, '.', '_' or '-' (not shown)");
      }
    }

    @Override
    public String toString() {
      return "ScramUser[" + name + "]";
    }
  }

  private final Process process;
  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final String clusterId;
  private final KafkaSecurity clientSecurity;
  private final Thread shutdownHook;
  private boolean stopped;

  private LocalBroker(
      Process process,
      Path dataDir,
      int port,
      int controllerPort,
      String clusterId,
      KafkaSecurity clientSecurity) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.clusterId = clusterId;
    this.clientSecurity = clientSecurity;
    this.shutdownHook = new Thread(() -> stop(false), "wattsweep-kafka-stop-" + port);
  }

  /**
   * Formats the storage if it is new, starts the broker and waits until it lists itself as a live
   * node.
   *
   * @throws IllegalStateException when the port is taken, or the broker exits or stays silent past
   *     the start timeout (the message ends with the tail of broker.log); the child process is gone
   *     by then
   * @throws UncheckedIOException when the data directory cannot be written
   */
  public static LocalBroker start(Options options) {
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    Path dataDir = options.dataDir().toAbsolutePath();
    String classpath = options.classpath();
    Path logFile = dataDir.resolve(LOG_FILE);
    Path propertiesFile = dataDir.resolve(PROPERTIES_FILE);
    Path storageDir = dataDir.resolve(STORAGE_DIR);
    try {
      Files.createDirectories(dataDir);
      Files.writeString(
          logFile,
          LogTail.START_MARKER + Instant.now() + " ===\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Kafka data directory " + dataDir, e);
    }

    int[] ports = Ports.pick(options.port());
    ScramUser user = options.saslSsl();
    Map<String, String> settings = new HashMap<>();
    KafkaSecurity clientSecurity = KafkaSecurity.PLAINTEXT;
    if (user != null) {
      SelfSignedTls tls = SelfSignedTls.create(dataDir.resolve(TLS_DIR));
      settings.putAll(ServerProperties.saslSsl(tls, user));
      clientSecurity =
          new KafkaSecurity(
              "SASL_SSL",
              ServerProperties.SCRAM_MECHANISM,
              user.name(),
              user.password(),
              tls.truststore(),
              "PKCS12",
              tls.password(),
              null,
              null,
              null);
    }
    settings.putAll(options.brokerProperties());
    ServerProperties.write(
        propertiesFile,
        ServerProperties.of(ports[0], ports[1], storageDir, clientSecurity.protocol(), settings));

    Path metaProperties = storageDir.resolve("meta.properties");
    if (Files.exists(metaProperties)) {
      LOG.info("Reusing formatted Kafka storage in {}", storageDir);
    } else {
      format(classpath, propertiesFile, logFile, deadline, user);
    }
    String clusterId = readClusterId(metaProperties);

    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(
        List.of(
            "-Xmx512m",
            // C1 only: starts in about two thirds of the time on two cores, and a local broker
            // never needs C2's peak throughput.
            "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
            "-cp",
            installWatchdog(dataDir) + File.pathSeparator + classpath,
            BrokerWatchdog.class.getName(),
            Long.toString(ProcessHandle.current().pid()),
            "kafka.Kafka",
            propertiesFile.toString()));
    Process process = launch(command, dataDir, logFile);
    LocalBroker broker =
        new LocalBroker(process, dataDir, ports[0], ports[1], clusterId, clientSecurity);
    try {
      Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
    } catch (IllegalStateException e) {
      process.destroyForcibly();
      throw new IllegalStateException("the JVM is shutting down: Kafka broker not started", e);
    }
    LOG.info(
        "Starting Kafka broker pid {} on {} (controller port {}), log in {}",
        process.pid(),
        broker.bootstrapServers(),
        ports[1],
        logFile);
    long startedAt = System.nanoTime();
    broker.awaitReady(deadline);
    LOG.info(
        "Kafka broker at {} ready in {} ms",
        broker.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
    return broker;
  }

  /** The address clients bootstrap from: {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * How clients reach this broker: PLAINTEXT, or SASL_SSL as the options' SCRAM user, trusting the
   * broker's self-signed certificate.
   */
  public KafkaSecurity clientSecurity() {
    return clientSecurity;
  }

  /** The broker's listener port. */
  public int port() {
    return port;
  }

  /** The KRaft controller's listener port (clients never use it). */
  public int controllerPort() {
    return controllerPort;
  }

  /** The cluster id written when the storage was formatted; the same across restarts. */
  public String clusterId() {
    return clusterId;
  }

  /** The process id of the broker's JVM. */
  public long pid() {
    return process.pid();
  }

  /** Whether the broker's process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with the broker process's exit code when it exits, for whatever reason. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** The directory holding server.properties, broker.log and the storage. */
  public Path dataDir() {
    return dataDir;
  }

  /** The broker's stdout and stderr, appended to across starts. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /**
   * Stops the broker with SIGTERM, which Kafka answers with a controlled shutdown, and waits up to
   * {@link #STOP_TIMEOUT}; kills it if it is still running then. Safe to call more than once.
   */
  @Override
  public void close() {
    stop(true);
  }

  @Override
  public String toString() {
    return "LocalBroker[" + bootstrapServers() + ", pid " + pid() + ", " + dataDir + "]";
  }

  private synchronized void stop(boolean removeHook) {
    if (stopped) {
      return;
    }
    stopped = true;
    if (removeHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running or will find us stopped.
      }
    }
    long startedAt = System.nanoTime();
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn(
              "Kafka broker pid {} did not stop within {} s; killing it",
              process.pid(),
              STOP_TIMEOUT.toSeconds());
          process.destroyForcibly().waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.info(
        "Kafka broker at {} stopped in {} ms (exit code {})",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
        process.isAlive() ? "none: still running" : process.exitValue());
  }

  /** Polls until the broker lists itself as a live node; stops it and throws on failure. */
  private void awaitReady(long deadline) {
    Admin admin = null;
    Throwable lastError = null;
    try {
      while (true) {
        if (!process.isAlive()) {
          throw startFailure(
              "exited with code " + process.exitValue() + " before answering", lastError);
        }
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMillis <= 0) {
          throw startFailure("did not answer within the start timeout", lastError);
        }
        // Wait for the listener first: an Admin client logs a warning for every refused connect.
        if (admin == null && Ports.accepts(port, Duration.ofMillis(200))) {
          admin = Admin.create(probeConfig());
        }
        if (admin != null) {
          try {
            int timeoutMs = (int) Math.min(leftMillis, PROBE_TIMEOUT.toMillis());
            Collection<Node> nodes =
                admin
                    .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes()
                    .get();
            if (!nodes.isEmpty()) {
              return;
            }
          } catch (ExecutionException e) {
            lastError = e.getCause();
          }
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw startFailure("start was interrupted", e);
    } finally {
      if (admin != null) {
        admin.close(Duration.ofSeconds(1));
      }
    }
  }

  private Properties probeConfig() {
    Properties config = new Properties();
    config.putAll(KafkaClientSettings.admin(bootstrapServers(), clientSecurity));
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "wattsweep-local-broker-probe");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    return config;
  }

  /** Kills the half-started broker and describes why it failed, with its log's tail. */
  private synchronized IllegalStateException startFailure(String what, Throwable cause) {
    stopped = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook will kill the process.
    }
    process.destroyForcibly();
    try {
      process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String lastError = cause == null ? "" : " (last probe error: " + cause + ")";
    return new IllegalStateException(
        "Kafka broker pid "
            + process.pid()
            + " on "
            + bootstrapServers()
            + " "
            + what
            + lastError
            + "; last lines of "
            + logFile()
            + ":\n"
            + LogTail.of(logFile(), LOG_TAIL_LINES),
        cause);
  }

  /** Writes meta.properties and the bootstrap metadata into a new storage directory. */
  private static void format(
      String classpath, Path propertiesFile, Path logFile, long deadline, ScramUser user) {
    String clusterId = Uuid.randomUuid().toString();
    LOG.info("Formatting Kafka storage for cluster {} ({})", clusterId, propertiesFile);
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBinary(),
                "-Xmx256m",
                // A short-lived tool: start fast rather than run fast.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                clusterId,
                "--config",
                propertiesFile.toString()));
    if (user != null) {
      // SCRAM credentials live in the metadata log: only a new storage can take them here.
      command.add("--add-scram");
      command.add(
          ServerProperties.SCRAM_MECHANISM
              + "=[name="
              + user.name()
              + ",password="
              + user.password()
              + "]");
    }
    Process tool = launch(command, propertiesFile.getParent(), logFile);
    try {
      long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (!tool.waitFor(Math.max(leftMillis, 0), TimeUnit.MILLISECONDS)) {
        tool.destroyForcibly();
        throw new IllegalStateException(
            "Formatting Kafka storage did not finish within the start timeout; last lines of "
                + logFile
                + ":\n"
                + LogTail.of(logFile, LOG_TAIL_LINES));
      }
    } catch (InterruptedException e) {
      tool.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting Kafka storage", e);
    }
    if (tool.exitValue() != 0) {
      throw new IllegalStateException(
          "Formatting Kafka storage failed with exit code "
              + tool.exitValue()
              + "; last lines of "
              + logFile
              + ":\n"
              + LogTail.of(logFile, LOG_TAIL_LINES));
    }
  }

  /**
   * Copies {@link BrokerWatchdog}'s class file under {@code dataDir}, so the broker can run it
   * without this module's jar (which may hold kafka-clients 3.7) on its classpath.
   *
   * @return the classpath entry holding it
   */
  private static Path installWatchdog(Path dataDir) {
    String classFile = BrokerWatchdog.class.getName().replace('.', '/') + ".class";
    Path root = dataDir.resolve(WATCHDOG_DIR);
    Path target = root.resolve(classFile);
    try (InputStream in = BrokerWatchdog.class.getResourceAsStream("/" + classFile)) {
      if (in == null) {
        throw new IllegalStateException("class file not found on the classpath: " + classFile);
      }
      Files.createDirectories(target.getParent());
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
    return root;
  }

  private static Process launch(List<String> command, Path workingDir, Path logFile) {
    try {
      return new ProcessBuilder(command)
          .directory(workingDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    }
  }

  /** The java launcher of this JVM, so the broker runs on the same Java version. */
  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String readClusterId(Path metaProperties) {
    Properties meta = new Properties();
    try (var in = Files.newInputStream(metaProperties)) {
      meta.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metaProperties, e);
    }
    return meta.getProperty("cluster.id");
  }
}
