package io.wattsweep.coordinator.bench;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.Topics;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.kafka.LocalBroker;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.catalog.SampleDecimation;
import io.wattsweep.coordinator.kafka.EventIngestor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ingestion from Kafka into the catalog, on H2 and on PostgreSQL: (1) throughput, draining a
 * backlog of events through the real {@link EventIngestor}; (2) the delay from an event's
 * production to its visibility in a query, for a probe run's samples sent every 5 ms while the
 * rest of the load streams at a fixed rate. Prints its figures, with the CPU time per event of
 * the processes involved; asserts nothing about speed.
 *
 * <p>Run: {@code ./mvnw -pl deploy/kafka,coordinator -am test -Dtest=IngestBench -Dgroups=bench
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false} (deploy/kafka writes the
 * broker's classpath file). Sizes: {@code -Dbench.events=N}
 * (backlog, default 300000), {@code -Dbench.rate=N} (events/s during the delay phase, default
 * 20000), {@code -Dbench.seconds=N} (delay phase, default 20).
 */
@Tag("bench")
class IngestBench {
  private static final int RUNS = 50;

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void ingest(String db) throws Exception {
    int backlog = Integer.getInteger("bench.events", 300_000);
    int rate = Integer.getInteger("bench.rate", 20_000);
    int seconds = Integer.getInteger("bench.seconds", 20);
    Path dir = Files.createTempDirectory("ingest-bench");
    try (LocalBroker broker = LocalBroker.start(dir.resolve("kafka"),
        LocalBroker.defaultClasspathFile(), Duration.ofSeconds(90))) {
      String url = jdbcUrl(db, dir);
      String app = "ingest-bench-" + UUID.randomUUID();
      Catalog catalog = Catalog.open(db.equals("h2") ? url : url + "&ApplicationName=" + app,
          user(db), "");
      List<JobSpec> jobs = sweep(catalog);
      createTopic(broker.bootstrapServers());
      var producer = producer(broker.bootstrapServers());

      // 1. Throughput: a backlog, then the ingestor drains it.
      List<String> runs = runs(jobs, "-bench");
      long[] seqs = new long[RUNS];
      long rows = 0;
      for (int i = 0; i < backlog; i++) {
        RunEvent e = event(jobs, runs, seqs, i % RUNS, System.currentTimeMillis());
        send(producer, e);
        rows += e instanceof PowerSample && !SampleDecimation.stored(e.seq()) ? 0 : 1;
      }
      producer.flush();
      Vertx vertx = Vertx.vertx();
      // Counts what the ingestor wrote, so that waiting for the backlog costs no query.
      var ingested = new java.util.concurrent.atomic.AtomicLong();
      EventIngestor.Listener written = (events, atMs, nanos) -> ingested.addAndGet(events.size());
      var deadLetters = KafkaProducer.<String, byte[]>create(vertx,
          KafkaClientSettings.producer(broker.bootstrapServers()));
      var ingestor = new EventIngestor(vertx, KafkaConsumer.create(vertx,
              KafkaClientSettings.consumer(broker.bootstrapServers(), EventIngestor.GROUP,
                  EventIngestor.MAX_POLL_RECORDS)),
          deadLetters, catalog, Clock.systemUTC(), List.of(written));
      long t0 = System.nanoTime();
      ingestor.start().await();
      try (var c = DriverManager.getConnection(url, user(db), "")) {
        // CPU time of this JVM (consumer, decoding, H2), the broker and the PostgreSQL backend:
        // a figure that other work on the machine inflates far less than the elapsed time.
        List<ProcessHandle> processes = new ArrayList<>(List.of(ProcessHandle.current(),
            ProcessHandle.of(broker.pid()).orElseThrow()));
        backendPid(c, app).flatMap(ProcessHandle::of).ifPresent(processes::add);
        long[] cpu0 = cpuNanos(processes);
        while (ingested.get() < backlog) {
          Thread.sleep(5);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long[] cpu1 = cpuNanos(processes);
        if (count(c) != rows) {
          throw new AssertionError("the catalog holds " + count(c) + " rows, not " + rows);
        }
        double[] micros = new double[processes.size()];
        for (int i = 0; i < micros.length; i++) {
          micros[i] = (cpu1[i] - cpu0[i]) / 1e3 / backlog;
        }
        double cpuMicros = java.util.Arrays.stream(micros).sum();
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("BENCH %s throughput: %d events in %.1f s = %.0f events/s;"
                + " CPU per event %.1f us (this JVM %.1f, broker %.1f, PostgreSQL backend %s),"
                + " so %.0f events/s if the %d cores were free%n", db, backlog, s, backlog / s,
            cpuMicros, micros[0], micros[1],
            micros.length > 2 ? String.format("%.1f", micros[2]) : "-",
            cores * 1e6 / cpuMicros, cores);

        // 2. Delay: steady load plus a probe run whose samples are watched in the catalog. The
        // load comes from new runs, whose samples are all stored (none decimated yet).
        runs = runs(jobs, "-live");
        seqs = new long[RUNS];
        JobSpec probeJob = jobs.get(0);
        String probe = probeJob.jobId() + "-probe";
        List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        var watcher = new Thread(() -> watch(url, db, probe, delays), "probe-watcher");
        watcher.start();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long next = System.nanoTime();
        long probeSeq = 0;
        long sent = 0;
        long nextProbe = System.nanoTime();
        while (System.nanoTime() < end) {
          long now = System.nanoTime();
          if (now >= nextProbe) {
            send(producer, new PowerSample(probeJob.jobId(), probe, probeSeq++,
                System.currentTimeMillis(), 100, EnergyMethod.TDP_ESTIMATE));
            nextProbe += 5_000_000;
          }
          while (next <= now) {
            send(producer, event(jobs, runs, seqs, (int) (sent++ % RUNS),
                System.currentTimeMillis()));
            next += 1_000_000_000L / rate;
          }
          producer.flush();
          Thread.sleep(1);
        }
        Thread.sleep(3000);
        watcher.interrupt();
        watcher.join();
        List<Long> sorted = new ArrayList<>(delays);
        Collections.sort(sorted);
        System.out.printf("BENCH %s delay at %d events/s for %d s: %d probes visible, p50 %d ms,"
                + " p99 %d ms, max %d ms (of %d sent)%n", db, rate, seconds, sorted.size(),
            pct(sorted, 0.50), pct(sorted, 0.99),
            sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1), probeSeq);
      }
      producer.close();
      ingestor.stop().await();
      deadLetters.close().await();
      vertx.close().await();
      catalog.close();
      if (db.equals("postgresql")) {
        // Each run leaves a few hundred thousand rows: drop them with the run's schema.
        try (var c = DriverManager.getConnection(url, user(db), "")) {
          c.createStatement().execute("DROP SCHEMA " + c.getSchema() + " CASCADE");
        }
      }
    }
  }

  private static void watch(String url, String db, String probe, List<Long> delays) {
    try (var c = DriverManager.getConnection(url, user(db), "");
        var key = c.prepareStatement("SELECT run_key FROM runs WHERE run_id = ?");
        var ps = c.prepareStatement("SELECT seq, at_ms FROM power_samples"
            + " WHERE sample_key BETWEEN ? AND ? ORDER BY sample_key")) {
      long runKey = -1;
      long last = -1;
      while (!Thread.currentThread().isInterrupted()) {
        if (runKey < 0) {
          key.setString(1, probe);
          try (var rs = key.executeQuery()) {
            runKey = rs.next() ? rs.getLong(1) : -1;
          }
        }
        if (runKey >= 0) {
          // A run's samples are the key range run_key * 2^32 + seq (see V4__integer_run_keys).
          ps.setLong(1, (runKey << 32) + last + 1);
          ps.setLong(2, (runKey << 32) + 0xFFFF_FFFFL);
          try (var rs = ps.executeQuery()) {
            long now = System.currentTimeMillis();
            while (rs.next()) {
              last = rs.getLong(1);
              delays.add(now - rs.getLong(2));
            }
          }
        }
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> runs(List<JobSpec> jobs, String suffix) {
    List<String> runs = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      runs.add(jobs.get(r % jobs.size()).jobId() + suffix + r);
    }
    return runs;
  }

  /** Mostly power samples, one measured batch in ten, like a run sampling at 10 Hz. */
  private static RunEvent event(List<JobSpec> jobs, List<String> runs, long[] seqs, int r,
      long atMs) {
    String job = jobs.get(r % jobs.size()).jobId();
    long seq = seqs[r]++;
    return seq % 10 == 9
        ? new BatchMeasured(job, runs.get(r), seq, atMs, (int) (seq / 10), 1_000_000, 1.5, 0.01,
            0.7, 0.6)
        : new PowerSample(job, runs.get(r), seq, atMs, 250.0, EnergyMethod.NVML_ENERGY_COUNTER);
  }

  private static List<JobSpec> sweep(Catalog catalog) {
    var spec = new SweepSpec("bench", "3dgan", 1.0, List.of("a100"), List.of(Precision.FP32),
        List.of(8, 16, 32, 64), List.of(1, 2), 0, 10, new FullTraining(1000, 1));
    List<JobSpec> jobs = spec.expand("sw-bench");
    catalog.insertSweep("sw-bench", spec, "{}", jobs, System.currentTimeMillis());
    return jobs;
  }

  private static void send(org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> p,
      RunEvent e) {
    p.send(new ProducerRecord<>(Topics.EVENTS, e.jobId(), EventCodec.encode(e)));
  }

  private static org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer(
      String bootstrap) {
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new org.apache.kafka.clients.producer.KafkaProducer<>(props);
  }

  private static void createTopic(String bootstrap) throws Exception {
    var props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(Topics.EVENTS, 4, (short) 1),
          new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1))).all().get();
    }
  }

  private static long count(java.sql.Connection c) throws Exception {
    // Samples and batches are keyed in their own tables; events_seen holds the lifecycle ones.
    try (var rs = c.createStatement().executeQuery("SELECT (SELECT COUNT(*) FROM power_samples)"
        + " + (SELECT COUNT(*) FROM batches) + (SELECT COUNT(*) FROM events_seen)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long[] cpuNanos(List<ProcessHandle> processes) {
    return processes.stream()
        .mapToLong(p -> p.info().totalCpuDuration().orElseThrow().toNanos()).toArray();
  }

  /** The PostgreSQL server process that serves the catalog's connection (named in its URL). */
  private static java.util.Optional<Long> backendPid(java.sql.Connection c, String app)
      throws Exception {
    if (!c.getMetaData().getURL().startsWith("jdbc:postgresql:")) {
      return java.util.Optional.empty();
    }
    try (var ps = c.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, app);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? java.util.Optional.of(rs.getLong(1)) : java.util.Optional.empty();
      }
    }
  }

  private static long pct(List<Long> sorted, double p) {
    return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1,
        Math.ceil(p * sorted.size()) - 1));
  }

  private static String jdbcUrl(String db, Path dir) throws Exception {
    if (db.equals("h2")) {
      return "jdbc:h2:file:" + dir.resolve("catalog");
    }
    String schema = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres",
        "")) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    }
    return "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema;
  }

  private static String user(String db) {
    return db.equals("h2") ? "sa" : "postgres";
  }

}
