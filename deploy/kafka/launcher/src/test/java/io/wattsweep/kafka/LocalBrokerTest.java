package io.wattsweep.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.install.Installation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real Kafka 4 broker in a child JVM, driven with the services' kafka-clients 3.7. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalBrokerTest {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String BROKER_CLASSPATH =
      Installation.current().classpath(Installation.Program.KAFKA_BROKER);

  @TempDir Path dataDir;

  @Test
  void startsAnswersAndStopsCleanly() throws Exception {
    LocalBroker broker =
        LocalBroker.start(
            LocalBroker.Options.of(dataDir, BROKER_CLASSPATH).withStartTimeout(START_TIMEOUT));
    try {
      assertEquals("127.0.0.1:" + broker.port(), broker.bootstrapServers());
      createTopic(broker, "wattsweep.test.jobs");
      produce(broker, "wattsweep.test.jobs", "job-1", "hello");

      assertEquals(List.of("job-1=hello"), consumeAll(broker, "wattsweep.test.jobs", 1));
    } finally {
      broker.close();
    }

    assertFalse(broker.isAlive());
    assertTrue(ProcessHandle.of(broker.pid()).map(p -> !p.isAlive()).orElse(true));
    // 137 would mean SIGKILL: the broker did not finish its controlled shutdown in time.
    assertNotEquals(137, broker.onExit().get(1, TimeUnit.SECONDS));
    assertTrue(isFree(broker.port()), "broker port still bound");
    assertTrue(isFree(broker.controllerPort()), "controller port still bound");
    broker.close(); // a second close is harmless
  }

  @Test
  void restartReusesFormattedStorage() throws Exception {
    LocalBroker.Options options = LocalBroker.Options.of(dataDir, BROKER_CLASSPATH);
    String clusterId;
    int port;
    try (LocalBroker first = LocalBroker.start(options)) {
      clusterId = first.clusterId();
      port = first.port();
      createTopic(first, "wattsweep.test.events");
      produce(first, "wattsweep.test.events", "job-2", "kept");
    }

    // The same port again, as a demo on 9092 would ask for; the controller port changes.
    try (LocalBroker second = LocalBroker.start(options.withPort(port))) {
      assertEquals(port, second.port());
      assertEquals(clusterId, second.clusterId());
      try (Admin admin = Admin.create(adminConfig(second))) {
        assertEquals(clusterId, admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
        assertTrue(
            admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("wattsweep.test.events"));
      }
      assertEquals(List.of("job-2=kept"), consumeAll(second, "wattsweep.test.events", 1));
    }
  }

  @Test
  void reportsTheBrokerLogWhenStartFails() throws IOException {
    LocalBroker.Options options =
        LocalBroker.Options.of(dataDir, BROKER_CLASSPATH)
            .withBrokerProperty("process.roles", "broker,no-such-role");

    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> LocalBroker.start(options));

    assertTrue(failure.getMessage().contains("broker.log"), failure.getMessage());
    assertTrue(failure.getMessage().contains("no-such-role"), failure.getMessage());
  }

  @Test
  void reportsTheBrokerLogWhenTheBrokerExits() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalBroker.HOST))) {
      int controllerPort = taken.getLocalPort();
      // Formatting binds nothing, so this passes it and fails in the broker, early: the
      // controller's listener comes up first.
      LocalBroker.Options options =
          LocalBroker.Options.of(dataDir, BROKER_CLASSPATH)
              .withBrokerProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort)
              .withBrokerProperty(
                  "listeners",
                  "PLAINTEXT://127.0.0.1:"
                      + freePort()
                      + ",CONTROLLER://127.0.0.1:"
                      + controllerPort);

      IllegalStateException failure =
          assertThrows(IllegalStateException.class, () -> LocalBroker.start(options));

      assertTrue(failure.getMessage().contains("exited with code"), failure.getMessage());
      assertTrue(failure.getMessage().contains("Address already in use"), failure.getMessage());
    }
  }

  @Test
  void refusesAPortInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalBroker.HOST))) {
      LocalBroker.Options options =
          LocalBroker.Options.of(dataDir, BROKER_CLASSPATH).withPort(taken.getLocalPort());

      IllegalStateException failure =
          assertThrows(IllegalStateException.class, () -> LocalBroker.start(options));

      assertTrue(
          failure.getMessage().contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use"),
          failure.getMessage());
    }
    assertFalse(
        Files.exists(dataDir.resolve("logs")), "storage formatted for a broker that never ran");
  }

  private static void createTopic(LocalBroker broker, String topic) throws Exception {
    try (Admin admin = Admin.create(adminConfig(broker))) {
      admin.createTopics(Set.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static void produce(LocalBroker broker, String topic, String key, String value)
      throws Exception {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Reads {@code topic} from the start in a new consumer group until {@code count} records. */
  private static List<String> consumeAll(LocalBroker broker, String topic, int count) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (seen.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          seen.add(record.key() + "=" + record.value());
        }
      }
    }
    return seen;
  }

  private static Properties adminConfig(LocalBroker broker) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return config;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LocalBroker.HOST))) {
      return socket.getLocalPort();
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LocalBroker.HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
