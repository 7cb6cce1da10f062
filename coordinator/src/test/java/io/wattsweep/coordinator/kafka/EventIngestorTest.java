package io.wattsweep.coordinator.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.Topics;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import io.wattsweep.coordinator.TestBrokers;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.kafka.LocalBroker;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.h2.api.Trigger;
import org.junit.jupiter.api.Test;

/** The ingestor against a real broker and a real H2 catalog (IngestorKillTest kills it). */
class EventIngestorTest {
  private static final int EVENTS = 40;

  /** Fails the first catalog write that inserts a power sample; counts the failures. */
  public static final class FailFirstWrite implements Trigger {
    static final AtomicInteger FAILURES_LEFT = new AtomicInteger();
    static final CountDownLatch FAILED = new CountDownLatch(1);

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
      if (FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        FAILED.countDown();
        throw new SQLException("injected catalog failure");
      }
    }
  }

  @Test
  void eventsOfAFailedCatalogWriteAreWrittenWhenRetriedNotSkipped() throws Exception {
    var dir = Files.createTempDirectory("ingestor-test");
    String url =
        "jdbc:h2:mem:i" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    Vertx vertx = Vertx.vertx();
    try (LocalBroker broker = TestBrokers.start(dir);
        AutoCloseable closeVertxFirst = () -> vertx.close().await();
        Catalog catalog = Catalog.open(url, "sa", "");
        Connection sql = DriverManager.getConnection(url, "sa", "")) {
      var spec =
          new SweepSpec(
              "t",
              "3dgan",
              0.25,
              List.of("cpu"),
              List.of(Precision.FP32),
              List.of(4),
              List.of(1),
              1,
              3,
              new FullTraining(1000, 2),
              Map.of(),
              null,
              null,
              null);
      JobSpec job = spec.expand("sw-1").get(0);
      catalog.insertSweep("sw-1", spec, "{}", List.of(job), 1_000, null);
      FailFirstWrite.FAILURES_LEFT.set(1);
      sql.createStatement()
          .execute(
              "CREATE TRIGGER fail_first_write BEFORE INSERT ON"
                  + " power_samples FOR EACH ROW CALL '"
                  + FailFirstWrite.class.getName()
                  + "'");
      try (var producer = producer(broker.bootstrapServers())) {
        for (int i = 0; i < EVENTS; i++) {
          var e = new PowerSample(job.jobId(), "r1", i, 2_000 + i, 10, EnergyMethod.RAPL);
          producer.send(new ProducerRecord<>(Topics.EVENTS, e.jobId(), EventCodec.encode(e)));
        }
      }
      // Small polls: the batch after the failed one is already taken when the write fails.
      var consumerSettings =
          KafkaClientSettings.consumer(
              broker.bootstrapServers(), KafkaSecurity.PLAINTEXT, EventIngestor.GROUP, 7);
      var deadLetters =
          KafkaProducer.<String, byte[]>create(
              vertx,
              KafkaClientSettings.producer(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT));
      var ingestor =
          new EventIngestor(
              vertx,
              KafkaConsumer.create(vertx, consumerSettings),
              deadLetters,
              catalog,
              Clock.systemUTC(),
              List.of());
      ingestor.start().await();

      assertTrue(FailFirstWrite.FAILED.await(60, TimeUnit.SECONDS), "no write was attempted");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (samples(sql) < EVENTS && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      ingestor.stop().await();
      deadLetters.close().await();

      assertEquals(0, FailFirstWrite.FAILURES_LEFT.get());
      assertEquals(EVENTS, samples(sql), "every sample is stored once, none skipped");
    }
  }

  @Test
  void isCaughtUpOnlyOnceTheCatalogHoldsWhatTheLogHeldInEveryPartitionItHasNow() throws Exception {
    var dir = Files.createTempDirectory("ingestor-test");
    String url =
        "jdbc:h2:mem:i" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    Vertx vertx = Vertx.vertx();
    try (LocalBroker broker = TestBrokers.start(dir);
        AutoCloseable closeVertxFirst = () -> vertx.close().await();
        Admin admin =
            Admin.create(
                Map.<String, Object>of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        Catalog catalog = Catalog.open(url, "sa", "");
        Connection sql = DriverManager.getConnection(url, "sa", "");
        var producer = producer(broker.bootstrapServers())) {
      admin.createTopics(List.of(new NewTopic(Topics.EVENTS, 2, (short) 1))).all().get();
      var spec =
          new SweepSpec(
              "t",
              "3dgan",
              0.25,
              List.of("cpu"),
              List.of(Precision.FP32),
              List.of(4),
              List.of(1),
              1,
              3,
              new FullTraining(1000, 2),
              Map.of(),
              null,
              null,
              null);
      JobSpec job = spec.expand("sw-1").get(0);
      catalog.insertSweep("sw-1", spec, "{}", List.of(job), 1_000, null);
      int events = 3_000;
      var sent = new ArrayList<Future<?>>();
      for (int i = 0; i < events; i++) {
        var e = new PowerSample(job.jobId(), "r1", i, 2_000 + i, 10, EnergyMethod.RAPL);
        sent.add(
            producer.send(new ProducerRecord<>(Topics.EVENTS, e.jobId(), EventCodec.encode(e))));
      }
      // Every sample in the log before reading starts: one a loaded broker timed out would
      // otherwise count as one the ingestor missed.
      for (var f : sent) {
        f.get();
      }
      // Small polls: catching up takes many catalog writes.
      var deadLetters =
          KafkaProducer.<String, byte[]>create(
              vertx,
              KafkaClientSettings.producer(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT));
      var ingestor =
          new EventIngestor(
              vertx,
              KafkaConsumer.create(
                  vertx,
                  KafkaClientSettings.consumer(
                      broker.bootstrapServers(), KafkaSecurity.PLAINTEXT, EventIngestor.GROUP, 50)),
              deadLetters,
              catalog,
              Clock.systemUTC(),
              List.of());
      ingestor.start().await();

      awaitCaughtUp(ingestor);
      assertEquals(events, samples(sql), "caught up with samples still unread");

      admin.createPartitions(Map.of(Topics.EVENTS, NewPartitions.increaseTo(4))).all().get();
      var late = new PowerSample(job.jobId(), "r1", events, 2_000 + events, 10, EnergyMethod.RAPL);
      producer
          .send(new ProducerRecord<>(Topics.EVENTS, 3, late.jobId(), EventCodec.encode(late)))
          .get();
      awaitCaughtUp(ingestor);
      assertEquals(events + 1, samples(sql), "the sample in the added partition is read");

      ingestor.stop().await();
      deadLetters.close().await();
    }
  }

  /** Asks as often as it can, so that a caught-up reported early is seen. */
  private static void awaitCaughtUp(EventIngestor ingestor) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!ingestor.caughtUp().await()) {
      assertTrue(System.nanoTime() < deadline, "never caught up");
    }
  }

  private static long samples(Connection sql) throws SQLException {
    try (var rs =
        sql.createStatement().executeQuery("SELECT COUNT(DISTINCT seq)" + " FROM power_samples")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer(
      String bootstrap) {
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new org.apache.kafka.clients.producer.KafkaProducer<>(props);
  }
}
