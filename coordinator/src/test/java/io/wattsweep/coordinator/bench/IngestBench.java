package io.wattsweep.coordinator.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import io.wattsweep.coordinator.TestBrokers;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.catalog.SampleDecimation;
import io.wattsweep.coordinator.catalog.SampleKeys;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.kafka.LocalBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ingestion from Kafka into the catalog, on H2 and on PostgreSQL, through the real {@link
 * EventIngestor}: (0) a warm-up backlog, so that what follows measures compiled code, as in a
 * coordinator that has run for a while; (1) throughput, draining a backlog with a new ingestor in
 * the same JVM; (2) the delay from an event's production to its visibility in a query: a {@link
 * LoadProducer} process streams events at a fixed rate (after a warm-up of its own) plus a probe
 * run's power sample every 5 ms, and a connection polls the catalog for the probe's rows. Prints
 * its figures, with the CPU time per event of the processes involved; asserts nothing about speed,
 * only that every event and every probe arrived.
 *
 * <p>Run: {@code ./mvnw -pl deploy/kafka,coordinator -am test -Dtest=IngestBench -Dgroups=bench
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false} (deploy/kafka writes the broker's
 * classpath file). Options: {@code -Dbench.dbs=h2} (one database), {@code -Dbench.warmup=N}
 * (warm-up events, default 200000; 0 measures a cold JVM), {@code -Dbench.events=N} (backlog,
 * default 300000), {@code -Dbench.rate=N} (events/s in the delay phase, default 50000), {@code
 * -Dbench.seconds=N} (delay phase, default 20), {@code -Dbench.loadWarmup=N} (the producer's
 * warm-up seconds, default 5), {@code -Dbench.linger=MS} (the producer's linger.ms, default 20: one
 * process stands in for many workers).
 */
@Tag("bench")
class IngestBench {
  private static final Pattern SENT =
      Pattern.compile("sent (\\d+) events and (\\d+) probes, CPU (\\d+) ms");

  /** Runs of the backlogs: 6,000 events each in the default backlog, all stored. */
  private static final int RUNS = Integer.getInteger("bench.runs", 50);

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void ingest(String db) throws Exception {
    assumeAsked(db);
    int warmup = Integer.getInteger("bench.warmup", 200_000);
    int backlog = Integer.getInteger("bench.events", 300_000);
    int rate = Integer.getInteger("bench.rate", 50_000);
    int seconds = Integer.getInteger("bench.seconds", 20);
    int loadWarmup = Integer.getInteger("bench.loadWarmup", 5);
    // As many runs as send this rate at 10 Hz each, like real workers: none is down-sampled.
    int liveRuns = Integer.getInteger("bench.liveRuns", Math.max(1, rate / 10));
    Path dir = Files.createTempDirectory("ingest-bench");
    try (LocalBroker broker = TestBrokers.start(dir)) {
      String url = jdbcUrl(db, dir);
      String app = "ingest-bench-" + UUID.randomUUID();
      Catalog catalog =
          Catalog.open(db.equals("h2") ? url : url + "&ApplicationName=" + app, user(db), "");
      List<String> jobIds = sweep(catalog).stream().map(JobSpec::jobId).toList();
      createTopic(broker.bootstrapServers());
      var producer = LoadProducer.producer(broker.bootstrapServers());

      Vertx vertx = Vertx.vertx();
      // Counts what the ingestor wrote of the phase's runs, so that waiting costs no query.
      var ingested = new java.util.concurrent.atomic.AtomicLong();
      var phase = new java.util.concurrent.atomic.AtomicReference<>("-warm");
      EventIngestor.Listener written =
          (events, atMs, nanos) ->
              ingested.addAndGet(
                  events.stream().filter(e -> e.runId().contains(phase.get())).count());
      var deadLetters =
          KafkaProducer.<String, byte[]>create(
              vertx,
              KafkaClientSettings.producer(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT));

      // 0. Warm-up: a coordinator runs for days, so the figures below are for compiled code,
      // not for the JIT compiler's first seconds. Its runs are others than the measured ones.
      long rows = produce(producer, jobIds, "-warm", warmup);
      var ingestor = ingestor(vertx, broker, deadLetters, catalog, written);
      ingestor.start().await();
      awaitIngested(ingested, warmup);
      ingestor.stop().await();

      // 1. Throughput: a backlog, then a new ingestor (in the same JVM) drains it.
      phase.set("-backlog");
      ingested.set(0);
      rows += produce(producer, jobIds, "-backlog", backlog);
      ingestor = ingestor(vertx, broker, deadLetters, catalog, written);
      try (var c = DriverManager.getConnection(url, user(db), "")) {
        // CPU time of this JVM (consumer, decoding, H2), the broker and the PostgreSQL backend:
        // a figure that other work on the machine inflates far less than the elapsed time.
        List<ProcessHandle> processes =
            new ArrayList<>(
                List.of(ProcessHandle.current(), ProcessHandle.of(broker.pid()).orElseThrow()));
        backendPid(c, app).flatMap(ProcessHandle::of).ifPresent(processes::add);
        long[] cpu0 = cpuNanos(processes);
        long t0 = System.nanoTime();
        ingestor.start().await();
        awaitIngested(ingested, backlog);
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
        System.out.printf(
            "BENCH %s throughput: %d events in %.1f s = %.0f events/s;"
                + " CPU per event %.1f us (this JVM %.1f, broker %.1f, PostgreSQL backend %s),"
                + " so %.0f events/s if the %d cores were free%n",
            db,
            backlog,
            s,
            backlog / s,
            cpuMicros,
            micros[0],
            micros[1],
            micros.length > 2 ? String.format("%.1f", micros[2]) : "-",
            cores * 1e6 / cpuMicros,
            cores);

        // 2. Delay: steady load from another process, plus a probe run whose samples are
        // watched in the catalog. The load comes from new runs, whose samples are all stored
        // (none decimated yet).
        phase.set("-live");
        String probe = jobIds.get(0) + "-probe";
        List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        var watcher = new Thread(() -> watch(url, db, probe, delays), "probe-watcher");
        watcher.start();
        List<String> command =
            new ArrayList<>(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dbench.linger=" + System.getProperty("bench.linger", "20"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    LoadProducer.class.getName(),
                    broker.bootstrapServers(),
                    String.valueOf(rate),
                    String.valueOf(loadWarmup),
                    String.valueOf(seconds),
                    String.valueOf(liveRuns),
                    "-live",
                    probe));
        command.addAll(jobIds);
        Process load = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        long[] cpuLive0 = null;
        try (var lines =
            new java.io.BufferedReader(new java.io.InputStreamReader(load.getInputStream()))) {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            output.add(line);
            if (line.equals("measuring")) {
              cpuLive0 = cpuNanos(processes);
            }
          }
        }
        if (load.waitFor() != 0 || cpuLive0 == null) {
          throw new AssertionError("the load producer failed: " + String.join("\n", output));
        }
        Matcher said =
            output.stream()
                .map(SENT::matcher)
                .filter(Matcher::matches)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the load producer said " + output));
        long sent = Long.parseLong(said.group(1));
        // The catalog keeps a long run's samples down-sampled (SampleDecimation): a probe run
        // longer than 30 s has some that are never stored.
        long probes =
            java.util.stream.LongStream.range(0, Long.parseLong(said.group(2)))
                .filter(SampleDecimation::stored)
                .count();
        // Every probe counts: wait until all are visible, so that a slow tail is not left out.
        long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (delays.size() < probes && System.nanoTime() < giveUp) {
          Thread.sleep(10);
        }
        long[] cpuLive1 = cpuNanos(processes);
        watcher.interrupt();
        watcher.join();
        List<Long> sorted = new ArrayList<>(delays);
        Collections.sort(sorted);
        if (sorted.size() < probes) {
          throw new AssertionError(sorted.size() + " of " + probes + " probes became visible");
        }
        double[] live = new double[processes.size()];
        for (int i = 0; i < live.length; i++) {
          live[i] = (cpuLive1[i] - cpuLive0[i]) / 1e3 / sent;
        }
        double producerCpu = Long.parseLong(said.group(3)) * 1e3 / sent;
        System.out.printf(
            "BENCH %s delay at %d events/s for %d s (after %d s of warm-up): %d"
                + " events sent (%.0f events/s), %d probes stored, p50 %d ms, p99 %d ms, max %d"
                + " ms; CPU per event %.1f us (this JVM %.1f, broker %.1f, PostgreSQL backend %s,"
                + " producer %.1f)%n",
            db,
            rate,
            seconds,
            loadWarmup,
            sent,
            (double) sent / seconds,
            probes,
            pct(sorted, 0.50),
            pct(sorted, 0.99),
            sorted.get(sorted.size() - 1),
            java.util.Arrays.stream(live).sum() + producerCpu,
            live[0],
            live[1],
            live.length > 2 ? String.format("%.1f", live[2]) : "-",
            producerCpu);
      }
      producer.close();
      ingestor.stop().await();
      deadLetters.close().await();
      vertx.close().await();
      catalog.close();
      dropSchema(db, url);
    }
  }

  private static EventIngestor ingestor(
      Vertx vertx,
      LocalBroker broker,
      KafkaProducer<String, byte[]> deadLetters,
      Catalog catalog,
      EventIngestor.Listener written) {
    return new EventIngestor(
        vertx,
        KafkaConsumer.create(
            vertx,
            KafkaClientSettings.consumer(
                broker.bootstrapServers(),
                KafkaSecurity.PLAINTEXT,
                EventIngestor.GROUP,
                EventIngestor.MAX_POLL_RECORDS)),
        deadLetters,
        catalog,
        Clock.systemUTC(),
        List.of(written));
  }

  /** Sends {@code n} events of these runs and returns how many rows they make in the catalog. */
  private static long produce(
      org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> p,
      List<String> jobIds,
      String suffix,
      int n) {
    List<String> runs = LoadProducer.runs(jobIds, suffix, RUNS);
    long[] seqs = new long[RUNS];
    long rows = 0;
    for (int i = 0; i < n; i++) {
      RunEvent e = LoadProducer.event(jobIds, runs, seqs, i % RUNS, System.currentTimeMillis());
      p.send(LoadProducer.record(e));
      rows += e instanceof PowerSample && !SampleDecimation.stored(e.seq()) ? 0 : 1;
    }
    p.flush();
    return rows;
  }

  /** Waits for {@code n} events; fails when none came for a minute (a write that keeps failing). */
  private static void awaitIngested(java.util.concurrent.atomic.AtomicLong ingested, long n)
      throws InterruptedException {
    long seen = -1;
    long stalledSince = System.nanoTime();
    while (ingested.get() < n) {
      if (ingested.get() != seen) {
        seen = ingested.get();
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince > Duration.ofMinutes(1).toNanos()) {
        throw new AssertionError("ingested " + seen + " of " + n + " events, none for a minute");
      }
      Thread.sleep(5);
    }
  }

  private static void watch(String url, String db, String probe, List<Long> delays) {
    try (var c = DriverManager.getConnection(url, user(db), "");
        var key = c.prepareStatement("SELECT run_key FROM runs WHERE run_id = ?");
        var ps =
            c.prepareStatement(
                "SELECT seq, at_ms FROM power_samples"
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
          ps.setLong(1, SampleKeys.of(runKey, last + 1));
          ps.setLong(2, SampleKeys.last(runKey));
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

  /** A sweep of 16 jobs, stored in the catalog: the jobs the benches' events belong to. */
  static List<JobSpec> sweep(Catalog catalog) {
    var spec =
        new SweepSpec(
            "bench",
            "3dgan",
            1.0,
            List.of("a100"),
            List.of(Precision.FP32),
            List.of(8, 16, 32, 64),
            List.of(1, 2),
            0,
            10,
            new FullTraining(1000, 1),
            Map.of(),
            null,
            null,
            null);
    List<JobSpec> jobs = spec.expand("sw-bench");
    catalog.insertSweep("sw-bench", spec, "{}", jobs, System.currentTimeMillis(), null);
    return jobs;
  }

  private static void createTopic(String bootstrap) throws Exception {
    var props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.EVENTS, 4, (short) 1),
                  new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)))
          .all()
          .get();
    }
  }

  private static long count(java.sql.Connection c) throws Exception {
    // Samples and batches are keyed in their own tables; events_seen holds the lifecycle ones.
    try (var rs =
        c.createStatement()
            .executeQuery(
                "SELECT (SELECT COUNT(*) FROM power_samples)"
                    + " + (SELECT COUNT(*) FROM batches) + (SELECT COUNT(*) FROM events_seen)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long[] cpuNanos(List<ProcessHandle> processes) {
    return processes.stream()
        .mapToLong(p -> p.info().totalCpuDuration().orElseThrow().toNanos())
        .toArray();
  }

  /** The PostgreSQL server process that serves the catalog's connection (named in its URL). */
  private static java.util.Optional<Long> backendPid(java.sql.Connection c, String app)
      throws Exception {
    if (!c.getMetaData().getURL().startsWith("jdbc:postgresql:")) {
      return java.util.Optional.empty();
    }
    try (var ps =
        c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, app);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? java.util.Optional.of(rs.getLong(1)) : java.util.Optional.empty();
      }
    }
  }

  private static long pct(List<Long> sorted, double p) {
    return sorted.isEmpty()
        ? -1
        : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
  }

  /** An H2 file in {@code dir}, or a new schema on the machine's PostgreSQL. */
  /** Skips the database unless {@code -Dbench.dbs} (default both) names it. */
  static void assumeAsked(String db) {
    assumeTrue(System.getProperty("bench.dbs", "h2,postgresql").contains(db), db + " not asked");
  }

  static String jdbcUrl(String db, Path dir) throws Exception {
    if (db.equals("h2")) {
      return "jdbc:h2:file:" + dir.resolve("catalog");
    }
    String schema = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (var c =
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
      c.createStatement().execute("CREATE SCHEMA " + schema);
    }
    return "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema;
  }

  static String user(String db) {
    return db.equals("h2") ? "sa" : "postgres";
  }

  /** A run leaves hundreds of thousands of rows: on PostgreSQL they go with the run's schema. */
  static void dropSchema(String db, String url) throws Exception {
    if (db.equals("postgresql")) {
      try (var c = DriverManager.getConnection(url, user(db), "")) {
        c.createStatement().execute("DROP SCHEMA " + c.getSchema() + " CASCADE");
      }
    }
  }
}
