package io.wattsweep.systemtest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.SourceRevision;
import io.wattsweep.common.Topics;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.catalog.BatchView;
import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.cli.Cli;
import io.wattsweep.coordinator.cli.ServiceProcess;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.worker.WorkerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path on one machine: HTTP, Kafka, a worker process training the 3DGAN in TensorFlow in
 * job processes, events back through Kafka, the catalog.
 */
class EndToEndTest {
  private static ServiceProcess worker;
  private static String sweepId;

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  /** Runs the 2-job sweep once for this class's tests. */
  private static synchronized SweepView completedSweep() throws Exception {
    var stack = TestStack.get();
    if (sweepId == null) {
      var env = new HashMap<>(stack.kafkaEnv());
      env.put("WATTSWEEP_GPU_CLASS", "cpu");
      env.put("WATTSWEEP_IDLE_BASELINE_MS", "300");
      env.put("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", "200");
      env.put("WATTSWEEP_JOB_HEAP_MB", "1024");
      env.put("WATTSWEEP_METRICS_PORT", "0");
      env.put("WATTSWEEP_ARTIFACT_STORE", "file:" + stack.dir.resolve("artifacts"));
      worker =
          ServiceProcess.start(
              Installation.current(),
              Program.WORKER,
              WorkerMain.class.getName(),
              env,
              stack.dir.resolve("worker.log"),
              "256m");
      var res =
          stack.post(
              """
          model: 3dgan
          scale: 0.25
          gpuClass: [cpu]
          precision: [fp32]
          batchSize: [2]
          gpus: [1, 2]
          warmupBatches: 1
          maxWarmupBatches: 8
          metadata:
            project: end-to-end
            dataset: synthetic
          """,
              "application/yaml");
      assertEquals(201, res.statusCode(), res.body());
      sweepId = Json.MAPPER.readTree(res.body()).get("sweepId").asText();
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (true) {
      SweepView view = stack.catalog.sweep(sweepId).orElseThrow();
      if (view.finished()) {
        return view;
      }
      assertTrue(
          System.nanoTime() < deadline,
          "sweep not finished in 5 minutes: " + view + "\nworker log: " + worker.log());
      assertTrue(worker.isAlive(), "worker died; see " + worker.log());
      Thread.sleep(500);
    }
  }

  @Test
  void twoJobSweepCompletesWithTenMeasuredBatchesEach() throws Exception {
    SweepView sweep = completedSweep();

    assertEquals(2, sweep.jobs().size());
    // The study's batch is per GPU: the 2-GPU job trains 2 on each of its towers.
    assertEquals(
        List.of("2 per GPU, 2 global", "2 per GPU, 4 global"),
        sweep.jobs().stream().map(SweepView.JobView::batch).toList());
    for (SweepView.JobView job : sweep.jobs()) {
      assertEquals("COMPLETED", job.state(), "job " + job);
      SweepView.RunView run = job.run();
      assertEquals(10, run.measuredBatches());
      List<BatchView> batches = TestStack.get().catalog.batches(run.runId());
      assertEquals(10, batches.size());
      double sum = batches.stream().mapToDouble(BatchView::energyJoules).sum();
      assertEquals(
          run.energyPerBatchJoules() * 10,
          sum,
          1e-6 * sum,
          "the batch windows tile the measured span");
      assertTrue(run.energyPerBatchJoules() > 0 && run.secondsPerBatch() > 0, run.toString());
      // No NVML and no RAPL on a CPU worker here: the figure must say it is an estimate.
      assertEquals("tdp-estimate", run.energyMethod());
      assertTrue(run.energyIsEstimate());
      assertEquals("fp32", run.precisionRan());
      assertTrue(run.generatorParameters() > 0 && run.flopsPerStep() > 0, run.toString());
      // The study's 3DGAN training: 124,987 // global batch steps an epoch, 60 epochs.
      long batchesPerEpoch = 124_987 / (job.batchSize() * job.gpus());
      assertEquals(batchesPerEpoch * 60, run.fullTraining().batches());
      assertEquals(
          run.energyPerBatchJoules() * run.fullTraining().batches(),
          run.fullTraining().energyJoules(),
          1e-6 * run.fullTraining().energyJoules());
    }
  }

  /**
   * A built-in model is idle once built: its net subtracts the idle measured then, and its warm-up
   * ran until power settled or its cap, saying which.
   */
  @Test
  void eachRunSaysItsNetSubtractedTheJobReadyIdleAndHowItWarmedUp() throws Exception {
    for (SweepView.JobView job : completedSweep().jobs()) {
      RunProtocol p = job.run().protocol();
      assertEquals("job-ready", p.netIdleBaseline(), p.toString());
      assertTrue(p.readyIdlePowerWatts() != null && p.readyIdlePowerWatts() > 0, p.toString());
      assertTrue(p.warmupBatches() >= 1 && p.warmupBatches() <= 8, p.toString());
      // Short of the cap, warm-up stopped because power settled, which takes 6 batches to tell.
      assertTrue(
          p.warmupBatches() == 8 || p.powerSettled() && p.warmupBatches() >= 6, p.toString());
    }
  }

  /** Each run's power trace is served, in the points asked for, saying how it was obtained. */
  @Test
  void eachRunsPowerTraceIsServedInBucketsWithItsMethod() throws Exception {
    var stack = TestStack.get();
    for (SweepView.JobView job : completedSweep().jobs()) {
      String runId = job.run().runId();
      HttpResponse<String> res = stack.get("/api/v1/runs/" + runId + "/power?points=3");
      assertEquals(200, res.statusCode(), res.body());
      JsonNode trace = Json.MAPPER.readTree(res.body());
      long samples = trace.get("samples").asLong();
      assertTrue(samples > 3, "sampled every 200 ms over more than 10 batches: " + res.body());
      assertEquals("[\"tdp-estimate\"]", trace.get("methods").toString());
      assertTrue(trace.get("estimate").asBoolean());
      assertTrue(trace.get("points").size() <= 3, res.body());
      long counted = 0;
      for (JsonNode p : trace.get("points")) {
        counted += p.get("samples").asLong();
        assertTrue(
            p.get("minWatts").asDouble() <= p.get("meanWatts").asDouble()
                && p.get("meanWatts").asDouble() <= p.get("maxWatts").asDouble(),
            p.toString());
      }
      assertEquals(samples, counted, "every sample is in one bucket");

      HttpResponse<String> csv = stack.get("/api/v1/runs/" + runId + "/power?format=csv");
      assertEquals(200, csv.statusCode(), csv.body());
      String[] lines = csv.body().split("\r\n");
      assertEquals("from_ms,to_ms,samples,mean_w,min_w,max_w,method,estimate", lines[0]);
      assertEquals(samples + 1, lines.length, "under 500 samples: each its own line");
      assertTrue(lines[1].endsWith(",tdp-estimate,true"), lines[1]);

      var out = new ByteArrayOutputStream();
      var err = new ByteArrayOutputStream();
      String url = "http://127.0.0.1:" + stack.port;
      assertEquals(
          0,
          Cli.run(
              new String[] {"--url", url, "power", runId, "--points", "3"},
              new PrintStream(out, true, UTF_8),
              new PrintStream(err, true, UTF_8)),
          err.toString());
      String table = out.toString(UTF_8);
      assertTrue(
          table.startsWith(
              "Power of run " + runId + ": " + samples + " samples in" + " buckets of "),
          table);
      assertTrue(table.contains("\nmethod: tdp-estimate (estimate: not a measurement)\n"), table);
    }
    var err = new ByteArrayOutputStream();
    assertEquals(
        1,
        Cli.run(
            new String[] {"--url", "http://127.0.0.1:" + stack.port, "power", "run-nope"},
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, UTF_8)));
    assertTrue(err.toString(UTF_8).contains("run not found: 'run-nope'"), err.toString(UTF_8));
  }

  /** Each run's trained generator is in the store, and its model version says where. */
  @Test
  void eachCompletedRunRegistersAVersionWithItsTrainedGenerator() throws Exception {
    SweepView sweep = completedSweep();
    var stack = TestStack.get();
    HttpResponse<String> res = stack.get("/api/v1/models/3dgan/versions");
    assertEquals(200, res.statusCode(), res.body());
    Map<String, JsonNode> byRun = new HashMap<>();
    Json.MAPPER
        .readTree(res.body())
        .get("versions")
        .forEach(v -> byRun.put(v.get("runId").asText(), v));

    for (SweepView.JobView job : sweep.jobs()) {
      JsonNode version = byRun.get(job.run().runId());
      assertTrue(version != null, "no version for run " + job.run().runId() + ": " + res.body());
      Path file = Path.of(URI.create(version.get("artifactUri").asText()));
      assertEquals(
          stack
              .dir
              .resolve("artifacts")
              .resolve("3dgan")
              .resolve(sweep.sweepId())
              .resolve(job.jobId())
              .resolve(job.run().runId())
              .resolve("generator.zip"),
          file);
      byte[] bytes = Files.readAllBytes(file);
      assertEquals(bytes.length, version.get("artifactBytes").asLong());
      assertEquals(
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
          version.get("artifactSha256").asText());
      // What the worker built and the commit it was built from (this checkout's).
      String architecture = version.get("architecture").asText();
      assertTrue(
          architecture.startsWith("generator (") && architecture.contains("\ndiscriminator ("),
          architecture);
      assertEquals(SourceRevision.current(), version.get("sourceRevision").asText());
      assertEquals(
          "{\"project\":\"end-to-end\",\"dataset\":\"synthetic\"}",
          version.get("metadata").toString(),
          "the sweep's metadata, in its order");
    }
  }

  /** An alias names a version over HTTP and on the command line, and can be removed. */
  @Test
  void aVersionCanBeNamedByAnAliasOverHttpAndTheCli() throws Exception {
    SweepView sweep = completedSweep();
    var stack = TestStack.get();
    String runId = sweep.jobs().get(0).run().runId();
    int version = -1;
    for (JsonNode v :
        Json.MAPPER.readTree(stack.get("/api/v1/models/3dgan/versions").body()).get("versions")) {
      if (v.get("runId").asText().equals(runId)) {
        version = v.get("version").asInt();
      }
    }
    var res =
        stack.send(
            "PUT", "/api/v1/models/3dgan/aliases/e2e-best", "{\"version\": " + version + "}");
    assertEquals(200, res.statusCode(), res.body());
    JsonNode named =
        Json.MAPPER.readTree(stack.get("/api/v1/models/3dgan/versions/e2e-best").body());
    assertEquals(runId, named.get("version").get("runId").asText());
    assertEquals("[\"e2e-best\"]", named.get("version").get("aliases").toString());

    var out = new ByteArrayOutputStream();
    String url = "http://127.0.0.1:" + stack.port;
    assertEquals(
        0,
        Cli.run(
            new String[] {"--url", url, "versions", "3dgan"},
            new PrintStream(out, true, UTF_8),
            System.err));
    String row =
        out.toString(UTF_8).lines().filter(l -> l.contains(runId)).findFirst().orElseThrow();
    assertTrue(row.startsWith(version + " ") && row.contains(" e2e-best "), row);

    var byMetadata = new ByteArrayOutputStream();
    assertEquals(
        0,
        Cli.run(
            new String[] {
              "--url",
              url,
              "versions",
              "3dgan",
              "--metadata",
              "project=end-to-end",
              "--metadata",
              "dataset=synthetic",
              "--format",
              "json"
            },
            new PrintStream(byMetadata, true, UTF_8),
            System.err));
    var runs = new java.util.TreeSet<String>();
    Json.MAPPER
        .readTree(byMetadata.toString(UTF_8))
        .get("versions")
        .forEach(v -> runs.add(v.get("runId").asText()));
    var sweepRuns = new java.util.TreeSet<String>();
    sweep.jobs().forEach(j -> sweepRuns.add(j.run().runId()));
    assertEquals(sweepRuns, runs, "the sweep's metadata selects exactly its versions");
    assertEquals(
        "{\"versions\":[]}",
        stack.get("/api/v1/models/3dgan/versions?metadata.project=another").body());
    var selected = new java.util.TreeSet<String>();
    Json.MAPPER
        .readTree(stack.get("/api/v1/runs?metadata.project=end-to-end").body())
        .get("runs")
        .forEach(r -> selected.add(r.get("runId").asText()));
    assertEquals(sweepRuns, selected, "runs are selected by their sweep's metadata too");

    assertEquals(
        0,
        Cli.run(
            new String[] {"--url", url, "alias", "3dgan", "e2e-best", "--delete"},
            new PrintStream(new ByteArrayOutputStream()),
            System.err));
    assertEquals(404, stack.get("/api/v1/models/3dgan/versions/e2e-best").statusCode());
  }

  @Test
  void replayingEveryEventOfACompletedRunLeavesTheCatalogUnchanged() throws Exception {
    SweepView before = completedSweep();
    var stack = TestStack.get();
    Map<String, Long> rowsBefore = rowCounts(stack.jdbcUrl);

    List<ConsumerRecord<String, byte[]>> events = readAll(stack.broker.bootstrapServers());
    assertTrue(events.size() >= 2 * 12, "run-started, 10 batches, run-completed per run");
    try (var producer = producer(stack.broker.bootstrapServers())) {
      for (var e : events) {
        producer.send(new ProducerRecord<>(Topics.EVENTS, e.key(), e.value())).get();
      }
    }
    awaitIngested(stack.broker.bootstrapServers());

    assertEquals(
        Json.MAPPER.writeValueAsString(before),
        Json.MAPPER.writeValueAsString(stack.catalog.sweep(before.sweepId()).orElseThrow()));
    assertEquals(rowsBefore, rowCounts(stack.jdbcUrl));
  }

  private static Map<String, Long> rowCounts(String jdbcUrl) throws Exception {
    var counts = new HashMap<String, Long>();
    try (var c = DriverManager.getConnection(jdbcUrl, "sa", "")) {
      for (String table :
          List.of("sweeps", "jobs", "runs", "batches", "power_samples", "events_seen")) {
        try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    }
    return counts;
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap) {
    var props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "replay-test");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    var out = new ArrayList<ConsumerRecord<String, byte[]>>();
    try (var consumer = new KafkaConsumer<String, byte[]>(props)) {
      consumer.subscribe(List.of(Topics.EVENTS));
      int idlePolls = 0;
      while (idlePolls < 5) {
        var records = consumer.poll(Duration.ofMillis(500));
        idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
        records.forEach(out::add);
      }
    }
    return out;
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** Waits until the coordinator has committed every event on the topic. */
  private static void awaitIngested(String bootstrap) throws Exception {
    var props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        var partitions =
            admin
                .describeTopics(List.of(Topics.EVENTS))
                .allTopicNames()
                .get()
                .get(Topics.EVENTS)
                .partitions();
        var request = new HashMap<TopicPartition, OffsetSpec>();
        partitions.forEach(
            p ->
                request.put(new TopicPartition(Topics.EVENTS, p.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(request).all().get();
        var committed =
            admin
                .listConsumerGroupOffsets(EventIngestor.GROUP)
                .partitionsToOffsetAndMetadata()
                .get();
        boolean done =
            ends.entrySet().stream()
                .allMatch(
                    e ->
                        e.getValue().offset() == 0
                            || (committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue().offset()));
        if (done) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, "replayed events not ingested in 60 s");
        Thread.sleep(200);
      }
    }
  }
}
