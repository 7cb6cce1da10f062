package io.wattsweep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.Topics;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.Event;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.event.WorkerHeartbeat;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.catalog.TestCatalogs;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.coordinator.kafka.HeartbeatReader;
import io.wattsweep.coordinator.metrics.CoordinatorMetrics;
import io.wattsweep.kafka.LocalBroker;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The coordinator judges a run lost only on what the broker holds: events it has not read yet and
 * heartbeats of the run's worker keep a run alive. A real broker; H2 and PostgreSQL catalogs.
 */
class RunReaperTest {
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration LIVE_FOR = Duration.ofSeconds(30);

  /** Long before the run timeout: when the catalog, before a restart, last heard of the runs. */
  private static final long LONG_AGO_MS = 120_000;

  private static final SweepSpec SPEC =
      new SweepSpec(
          "t",
          "3dgan",
          0.25,
          List.of("cpu"),
          List.of(Precision.FP32),
          List.of(4, 8),
          List.of(1),
          1,
          3,
          new FullTraining(1000, 2),
          Map.of(),
          null,
          null,
          null);

  private static LocalBroker broker;
  private static org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = TestBrokers.start(Files.createTempDirectory("reaper-test"));
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.EVENTS, 2, (short) 1),
                  new NewTopic(Topics.HEARTBEATS, 1, (short) 1),
                  new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)))
          .all()
          .get();
    }
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new org.apache.kafka.clients.producer.KafkaProducer<>(props);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    TestCatalogs.dropSchemas();
    producer.close();
    broker.close();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aSilentRunWhoseWorkerStillBeatsIsNotAbandoned(String db) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AutoCloseable closeVertx = () -> vertx.close().await();
        Catalog catalog = TestCatalogs.open(db)) {
      List<JobSpec> jobs = store(catalog);
      long now = System.currentTimeMillis();
      catalog.ingest(
          List.of(started(jobs.get(0), "ra"), started(jobs.get(1), "rb")), now - LONG_AGO_MS);
      send(
          Topics.HEARTBEATS,
          "w-a",
          WorkerHeartbeat.of("w-a", "cpu", "h", now, List.of(jobs.get(0).jobId())));
      send(Topics.HEARTBEATS, "w-b", WorkerHeartbeat.of("w-b", "cpu", "h", now, List.of()));

      judgeOnce(vertx, catalog);

      assertEquals("RUNNING", catalog.run("ra").orElseThrow().state(), "its worker beats");
      assertEquals(
          "ABANDONED", catalog.run("rb").orElseThrow().state(), "no live worker names its job");
      assertEquals(
          List.of("RUNNING", "QUEUED"),
          catalog.sweep(jobs.get(0).sweepId()).orElseThrow().jobs().stream()
              .map(j -> j.state())
              .toList());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRestartedCoordinatorDoesNotAbandonARunWhoseEventsAreStillUnread(String db)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AutoCloseable closeVertx = () -> vertx.close().await();
        Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog).get(0);
      long now = System.currentTimeMillis();
      catalog.ingest(List.of(started(job, "rc")), now - LONG_AGO_MS);
      for (int seq = 1; seq <= 2_000; seq++) {
        producer.send(
            new ProducerRecord<>(
                Topics.EVENTS,
                job.jobId(),
                EventCodec.encode(
                    new PowerSample(job.jobId(), "rc", seq, now + seq, 20, EnergyMethod.RAPL))));
      }
      producer.flush();

      judgeOnce(vertx, catalog);

      assertEquals("RUNNING", catalog.run("rc").orElseThrow().state());
      assertEquals("RUNNING", catalog.sweep(job.sweepId()).orElseThrow().jobs().get(0).state());
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aJobClaimedByAWorkerThatStoppedBeatingGoesOutAgainUnlessPublishedSince(String db)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AutoCloseable closeVertx = () -> vertx.close().await();
        Catalog catalog = TestCatalogs.open(db)) {
      String sweepId = "sw-" + UUID.randomUUID().toString().substring(0, 8);
      List<JobSpec> jobs = SPEC.expand(sweepId);
      catalog.insertSweep(sweepId, SPEC, "{}", jobs, 1_000, "alice");
      long now = System.currentTimeMillis();
      long dead = now - 2 * LIVE_FOR.toMillis();
      // Both workers took their job (a beat naming it) and then fell silent before any run
      // started; the second job has been published again since its worker's claim.
      catalog.markPublished(List.of(jobs.get(0).jobId()), 1_000);
      catalog.markPublished(List.of(jobs.get(1).jobId()), now);
      send(
          Topics.HEARTBEATS,
          "w-dead",
          WorkerHeartbeat.of("w-dead", "cpu", "h", dead, List.of(jobs.get(0).jobId())));
      send(
          Topics.HEARTBEATS,
          "w-stale",
          WorkerHeartbeat.of("w-stale", "cpu", "h", dead, List.of(jobs.get(1).jobId())));

      judgeOnce(vertx, catalog);

      var views = catalog.sweep(jobs.get(0).sweepId()).orElseThrow().jobs();
      assertEquals(List.of(1, 0), views.stream().map(j -> j.attempts()).toList());
      assertEquals(
          List.of(jobs.get(0).jobId()),
          catalog.unpublishedJobs(0).stream()
              .map(JobSpec::jobId)
              .filter(id -> id.startsWith(jobs.get(0).sweepId()))
              .toList(),
          "the dead worker's job goes out again, the stale claim's job does not");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aReaperCaughtUpForLessThanItsSettlingTimeJudgesNothing(String db) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (AutoCloseable closeVertx = () -> vertx.close().await();
        Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog).get(0);
      catalog.ingest(List.of(started(job, "rs")), System.currentTimeMillis() - LONG_AGO_MS);

      boolean judged = judge(vertx, catalog, Duration.ofHours(1), Duration.ofSeconds(5));

      assertFalse(judged, "judged before its readers had settled");
      assertEquals("RUNNING", catalog.run("rs").orElseThrow().state());
    }
  }

  /** A new sweep of two jobs, published. */
  private static List<JobSpec> store(Catalog catalog) {
    String sweepId = "sw-" + UUID.randomUUID().toString().substring(0, 8);
    List<JobSpec> jobs = SPEC.expand(sweepId);
    catalog.insertSweep(sweepId, SPEC, "{}", jobs, 1_000, "alice");
    catalog.markPublished(jobs.stream().map(JobSpec::jobId).toList(), 1_000);
    return jobs;
  }

  private static RunStarted started(JobSpec job, String runId) {
    var cpu = new DeviceInfo(0, "cpu", "cpu-0", "test CPU", "amd64", 20, "");
    return new RunStarted(
        job.jobId(),
        runId,
        0,
        2_000,
        "w1",
        "host",
        Precision.FP32,
        Precision.FP32,
        "",
        List.of(cpu),
        EnergyMethod.RAPL,
        1.0,
        100,
        10,
        1_000_000,
        "test",
        null,
        null,
        null,
        null);
  }

  /**
   * A coordinator's ingestion, heartbeat reader and reaper, started afresh on this catalog; the
   * reaper checks until it can judge, once. The heartbeats are read up to date before the events
   * are read at all, so that only the events' reading can hold the judgment back.
   */
  private static void judgeOnce(Vertx vertx, Catalog catalog) throws Exception {
    if (!judge(vertx, catalog, Duration.ZERO, Duration.ofSeconds(60))) {
      fail("the reaper never caught up on the events and the heartbeats");
    }
  }

  /**
   * As {@link #judgeOnce}, with a reaper that waits {@code settle} once caught up; returns whether
   * it judged within {@code within}.
   */
  private static boolean judge(Vertx vertx, Catalog catalog, Duration settle, Duration within)
      throws Exception {
    String group = "reaper-test-" + UUID.randomUUID();
    KafkaProducer<String, byte[]> deadLetters =
        KafkaProducer.create(
            vertx,
            KafkaClientSettings.producer(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT));
    var ingestor =
        new EventIngestor(
            vertx,
            KafkaConsumer.create(
                vertx,
                KafkaClientSettings.consumer(
                    broker.bootstrapServers(), KafkaSecurity.PLAINTEXT, group, 500)),
            deadLetters,
            catalog,
            Clock.systemUTC(),
            List.of());
    var heartbeats =
        new HeartbeatReader(
            vertx,
            KafkaConsumer.create(
                vertx,
                KafkaClientSettings.consumer(
                    broker.bootstrapServers(), KafkaSecurity.PLAINTEXT, group + "-beats", 500)),
            Clock.systemUTC(),
            LIVE_FOR,
            gpuClass -> {});
    var reaper =
        new RunReaper(
            vertx,
            catalog,
            ingestor,
            heartbeats,
            new CoordinatorMetrics(),
            Clock.systemUTC(),
            RUN_TIMEOUT,
            settle,
            () -> {});
    heartbeats.start().await();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!heartbeats.caughtUp().await()) {
        if (System.nanoTime() > deadline) {
          fail("the heartbeats were never read up to date");
        }
        Thread.sleep(100);
      }
      ingestor.start().await();
      // Checks as often as it can: one that judged early would see the events still unread.
      long until = System.nanoTime() + within.toNanos();
      while (!reaper.check().await()) {
        if (System.nanoTime() > until) {
          return false;
        }
      }
      return true;
    } finally {
      ingestor.stop().await();
      heartbeats.stop().await();
      deadLetters.close().await();
    }
  }

  private static void send(String topic, String key, Event event) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, EventCodec.encode(event))).get();
  }
}
