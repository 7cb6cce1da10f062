package io.wattsweep.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.Env;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.install.Installation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' Kafka settings against a real Kafka 4 broker whose listener is SASL_SSL with
 * SCRAM-SHA-512 users, reached with the services' kafka-clients 3.7.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SaslSslBrokerTest {
  private static final String PASSWORD = HexFormat.of().formatHex(randomBytes());

  @TempDir static Path dataDir;
  private static LocalBroker broker;

  @BeforeAll
  static void startBroker() {
    broker =
        LocalBroker.start(
            LocalBroker.Options.of(
                    dataDir, Installation.current().classpath(Installation.Program.KAFKA_BROKER))
                .withSaslSsl(new LocalBroker.ScramUser("alice", PASSWORD)));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void theRightPasswordRoundTripsARecordOverSaslSsl() throws Exception {
    KafkaSecurity alice = security(PASSWORD);
    String topic = "wattsweep.test.secure";
    try (Admin admin =
        Admin.create(
            new HashMap<String, Object>(
                KafkaClientSettings.admin(broker.bootstrapServers(), alice)))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    try (var producer =
        new KafkaProducer<String, byte[]>(
            new HashMap<String, Object>(
                KafkaClientSettings.producer(broker.bootstrapServers(), alice)))) {
      producer
          .send(new ProducerRecord<>(topic, "job-1", "over TLS".getBytes(StandardCharsets.UTF_8)))
          .get(60, TimeUnit.SECONDS);
    }
    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            new HashMap<String, Object>(
                KafkaClientSettings.consumer(
                    broker.bootstrapServers(), alice, "secure-test", 10)))) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          assertEquals("job-1", r.key());
          assertEquals("over TLS", new String(r.value(), StandardCharsets.UTF_8));
          return;
        }
      }
    }
    throw new AssertionError("the record did not come back within 60 s");
  }

  @Test
  void aWrongPasswordIsRefusedSayingAuthenticationFailed() {
    var config =
        new HashMap<String, Object>(
            KafkaClientSettings.admin(broker.bootstrapServers(), security("not-" + PASSWORD)));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(config)) {
      var failure =
          assertThrows(
              ExecutionException.class,
              () -> admin.describeCluster().nodes().get(60, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, failure.getCause());
      assertTrue(
          failure.getCause().getMessage().contains("Authentication failed"),
          failure.getCause().getMessage());
    }
  }

  /** Built from the variables an operator sets, as the services build theirs. */
  private static KafkaSecurity security(String password) {
    KafkaSecurity trusted = broker.clientSecurity();
    return KafkaSecurity.fromEnv(
        new Env(
            Map.of(
                "WATTSWEEP_KAFKA_SECURITY_PROTOCOL",
                "SASL_SSL",
                "WATTSWEEP_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512",
                "WATTSWEEP_KAFKA_SASL_USERNAME",
                "alice",
                "WATTSWEEP_KAFKA_SASL_PASSWORD",
                password,
                "WATTSWEEP_KAFKA_TRUSTSTORE_FILE",
                trusted.truststoreFile().toString(),
                "WATTSWEEP_KAFKA_TRUSTSTORE_PASSWORD",
                trusted.truststorePassword())));
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
