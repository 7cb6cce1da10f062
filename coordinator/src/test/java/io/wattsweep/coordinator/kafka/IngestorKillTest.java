package io.wattsweep.coordinator.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.Topics;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import io.wattsweep.coordinator.TestBrokers;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.kafka.LocalBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The coordinator's ingestion in a process of its own, killed (SIGKILL) mid-stream and started
 * again, against a real broker and an H2 file or PostgreSQL: every event produced is in the catalog
 * once, and every completed run has all its measured batches.
 */
class IngestorKillTest {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final int RUNS = 12;
  private static final int BATCHES = 10;
  private static final int SAMPLES_PER_BATCH = 20;
  private static final int KILLS = 3;

  /** Live workers trickle events in: a few at a time, not in bulk. */
  private static final int EVENTS_PER_SEND = 3;

  private static final Duration SEND_EVERY = Duration.ofMillis(25);

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void everyEventIsStoredOnceThoughTheIngestorIsKilledMidStream(String db) throws Exception {
    Path dir = Files.createTempDirectory("ingestor-kill");
    String user = db.equals("h2") ? "sa" : "postgres";
    String url = catalogUrl(db, dir);
    try (LocalBroker broker = TestBrokers.start(dir);
        Admin admin =
            Admin.create(
                Map.<String, Object>of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.EVENTS, 4, (short) 1),
                  new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)))
          .all()
          .get();
      List<List<RunEvent>> rounds = rounds(storeSweep(url, user));
      long events = rounds.stream().mapToLong(List::size).sum();
      var failure = new AtomicReference<Exception>();
      var producer =
          new Thread(() -> produce(broker.bootstrapServers(), rounds, failure), "event-producer");
      producer.start();
      Process ingestor = start(broker.bootstrapServers(), url, user, dir, 0);
      try {
        for (int kill = 1; kill <= KILLS; kill++) {
          awaitCommitted(admin, events * kill / (KILLS + 1), ingestor, dir);
          ingestor.destroyForcibly().waitFor();
          ingestor = start(broker.bootstrapServers(), url, user, dir, kill);
        }
        producer.join();
        if (failure.get() != null) {
          throw failure.get();
        }
        awaitCommitted(admin, events, ingestor, dir);
        // An H2 file is the process's alone: stop it (SIGTERM) to read what it stored.
        ingestor.destroy();
        ingestor.waitFor();
      } finally {
        ingestor.destroyForcibly().waitFor();
      }
      try (Connection sql = DriverManager.getConnection(url, user, "")) {
        assertEquals(
            stored(RUNS * BATCHES * SAMPLES_PER_BATCH, RUNS * BATCHES, RUNS * 2, List.of()),
            stored(
                count(sql, "power_samples"),
                count(sql, "batches"),
                count(sql, "events_seen"),
                completedWithoutAllBatches(sql)),
            "the ingestors' logs are in " + dir);
      }
    } finally {
      dropSchema(db, url);
    }
  }

  /** Run starts; then each round a batch and its samples for every run; then completions. */
  private static List<List<RunEvent>> rounds(List<JobSpec> jobs) {
    List<List<RunEvent>> rounds = new ArrayList<>();
    var cpu = new DeviceInfo(0, "cpu", "cpu-0", "test CPU", "amd64", 20, "");
    rounds.add(
        jobs.stream()
            .<RunEvent>map(
                j ->
                    new RunStarted(
                        j.jobId(),
                        run(j),
                        0,
                        1_000,
                        "w1",
                        "host",
                        Precision.FP32,
                        Precision.FP32,
                        "",
                        List.of(cpu),
                        EnergyMethod.TDP_ESTIMATE,
                        1.0,
                        100,
                        10,
                        1_000_000,
                        "test",
                        null,
                        null,
                        null,
                        null))
            .toList());
    long perBatch = SAMPLES_PER_BATCH + 1;
    for (int b = 0; b < BATCHES; b++) {
      List<RunEvent> round = new ArrayList<>();
      for (JobSpec j : jobs) {
        long seq = 1 + b * perBatch;
        for (int s = 0; s < SAMPLES_PER_BATCH; s++) {
          round.add(
              new PowerSample(
                  j.jobId(), run(j), seq + s, 2_000 + seq + s, 15.0, EnergyMethod.TDP_ESTIMATE));
        }
        round.add(
            new BatchMeasured(
                j.jobId(),
                run(j),
                seq + SAMPLES_PER_BATCH,
                2_000 + seq,
                b,
                500_000_000L,
                2.0,
                0.01,
                0.7,
                0.6));
      }
      rounds.add(round);
    }
    rounds.add(
        jobs.stream()
            .<RunEvent>map(
                j ->
                    new RunCompleted(
                        j.jobId(),
                        run(j),
                        1 + BATCHES * perBatch,
                        9_000,
                        BATCHES,
                        BATCHES * 500_000_000L,
                        2.0 * BATCHES,
                        1.0,
                        EnergyMethod.TDP_ESTIMATE,
                        null,
                        null,
                        null,
                        null))
            .toList());
    return rounds;
  }

  private static String run(JobSpec job) {
    return job.jobId() + "-run";
  }

  /** Sends the rounds' events a few at a time, as live workers do, keyed by job id. */
  private static void produce(
      String bootstrap, List<List<RunEvent>> rounds, AtomicReference<Exception> failure) {
    var props =
        Map.<String, Object>of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class.getName());
    try (var producer = new KafkaProducer<String, byte[]>(props)) {
      List<RunEvent> events = rounds.stream().flatMap(List::stream).toList();
      for (int i = 0; i < events.size(); i++) {
        RunEvent e = events.get(i);
        producer.send(new ProducerRecord<>(Topics.EVENTS, e.jobId(), EventCodec.encode(e)));
        if (i % EVENTS_PER_SEND == EVENTS_PER_SEND - 1) {
          producer.flush();
          Thread.sleep(SEND_EVERY.toMillis());
        }
      }
    } catch (Exception e) {
      failure.set(e);
    }
  }

  private static List<JobSpec> storeSweep(String url, String user) {
    var spec =
        new SweepSpec(
            "kill",
            "3dgan",
            0.125,
            List.of("cpu"),
            List.of(Precision.FP32, Precision.BF16),
            List.of(4, 8, 16, 32, 64, 128),
            List.of(1),
            1,
            BATCHES,
            new FullTraining(1000, 2),
            Map.of(),
            null,
            null,
            null);
    List<JobSpec> jobs = spec.expand("sw-kill");
    try (Catalog catalog = Catalog.open(url, user, "")) {
      catalog.insertSweep("sw-kill", spec, "{}", jobs, 1_000, null);
    }
    return jobs;
  }

  private static Process start(String bootstrap, String url, String user, Path dir, int n)
      throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            IngestorProcess.class.getName(),
            bootstrap,
            url,
            user)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("ingestor-" + n + ".log").toFile())
        .start();
  }

  /** Waits until the group has committed offsets for at least {@code records} records. */
  private static void awaitCommitted(Admin admin, long records, Process ingestor, Path dir)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!ingestor.isAlive()) {
        throw new AssertionError("the ingestor died; its logs are in " + dir);
      }
      long committed =
          admin
              .listConsumerGroupOffsets(EventIngestor.GROUP)
              .partitionsToOffsetAndMetadata()
              .get()
              .values()
              .stream()
              .filter(Objects::nonNull)
              .mapToLong(o -> o.offset())
              .sum();
      if (committed >= records) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(
        "fewer than " + records + " records committed in 60 s; logs in " + dir);
  }

  private static String stored(
      long samples, long batches, long lifecycle, List<String> incomplete) {
    return "power samples "
        + samples
        + ", measured batches "
        + batches
        + ", starts and completions "
        + lifecycle
        + ", completed runs lacking batches "
        + incomplete;
  }

  private static long count(Connection sql, String table) throws SQLException {
    try (var rs = sql.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> completedWithoutAllBatches(Connection sql) throws SQLException {
    var out = new ArrayList<String>();
    try (var rs =
        sql.createStatement()
            .executeQuery(
                "SELECT r.run_id, COUNT(b.batch_index)"
                    + " FROM runs r LEFT JOIN batches b ON b.run_key = r.run_key WHERE r.state = 'COMPLETED'"
                    + " GROUP BY r.run_id, r.measured_batches"
                    + " HAVING COUNT(b.batch_index) < r.measured_batches")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " (" + rs.getLong(2) + " of " + BATCHES + ")");
      }
    }
    return out;
  }

  /**
   * An H2 file that reuses freed space at once, as a coordinator's does after H2's retention time
   * (45 s); or a new PostgreSQL schema.
   */
  private static String catalogUrl(String db, Path dir) throws SQLException {
    if (db.equals("h2")) {
      return "jdbc:h2:file:" + dir.resolve("catalog") + ";RETENTION_TIME=0";
    }
    String schema = "kill" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (var c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    }
    return PG_URL + "?currentSchema=" + schema;
  }

  private static void dropSchema(String db, String url) throws SQLException {
    if (db.equals("postgresql")) {
      try (var c = DriverManager.getConnection(url, "postgres", "")) {
        c.createStatement().execute("DROP SCHEMA " + c.getSchema() + " CASCADE");
      }
    }
  }
}
