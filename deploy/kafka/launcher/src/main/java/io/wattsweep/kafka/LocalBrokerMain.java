package io.wattsweep.kafka;

import io.wattsweep.common.install.Installation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalBroker} in the foreground until SIGTERM or Ctrl-C, then stops it cleanly.
 *
 * <pre>
 * java -cp COMMON_CLASSPATH io.wattsweep.kafka.LocalBrokerMain \
 *     [--port 9092] [--data wattsweep-data/kafka] [--start-timeout-s 60]
 * </pre>
 *
 * <p>The broker's jars are those of the {@link Installation#current() current installation}.
 *
 * <p>Prints {@code Kafka broker ready at 127.0.0.1:PORT} on stdout once clients can connect, and
 * its errors on stderr; {@link LocalBroker} logs the details through slf4j. Exits 1 if the broker
 * cannot start or dies on its own, 2 on bad arguments.
 */
public final class LocalBrokerMain {
  /** The port a demo expects a local Kafka on. */
  public static final int DEFAULT_PORT = 9092;

  /** Relative to the working directory, beside the rest of a demo's data. */
  public static final Path DEFAULT_DATA_DIR = Path.of("wattsweep-data", "kafka");

  static final String USAGE =
      "usage: LocalBrokerMain [--port N (default 9092, 0 = any free port)]"
          + " [--data DIR (default wattsweep-data/kafka)]"
          + " [--start-timeout-s SECONDS (default 60)]";

  private LocalBrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalBroker.Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }

    LocalBroker broker;
    try {
      broker = LocalBroker.start(options);
    } catch (RuntimeException e) {
      System.err.println("Kafka broker did not start: " + e.getMessage());
      System.exit(1);
      return;
    }

    CountDownLatch stopRequested = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopRequested.countDown();
                  boolean wasRunning = broker.isAlive();
                  broker.close();
                  if (wasRunning) {
                    System.out.println("Kafka broker stopped");
                  }
                },
                "wattsweep-kafka-main-stop"));
    System.out.println("Kafka broker ready at " + broker.bootstrapServers());
    System.out.flush();

    int exitCode = broker.onExit().join();
    if (stopRequested.getCount() > 0) {
      System.err.println(
          "Kafka broker exited on its own with code " + exitCode + "; see " + broker.logFile());
      System.exit(1);
    }
  }

  /** The options {@code args} ask for, or null when they ask for help. */
  static LocalBroker.Options parse(String[] args) {
    int port = DEFAULT_PORT;
    Path dataDir = DEFAULT_DATA_DIR;
    Duration startTimeout = LocalBroker.Options.DEFAULT_START_TIMEOUT;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--port" -> port = parseInt(flag, value);
        case "--data" -> dataDir = Path.of(value);
        case "--start-timeout-s" -> startTimeout = Duration.ofSeconds(parseInt(flag, value));
        default -> throw new IllegalArgumentException("unknown option: " + flag);
      }
    }
    String classpath = Installation.current().classpath(Installation.Program.KAFKA_BROKER);
    return LocalBroker.Options.of(dataDir, classpath).withPort(port).withStartTimeout(startTimeout);
  }

  private static int parseInt(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number: " + value, e);
    }
  }
}
