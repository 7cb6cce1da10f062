package io.wattsweep.worker.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.Event;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.event.WorkerHeartbeat;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.kafka.LocalBroker;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.metrics.RunObserver;
import io.wattsweep.worker.process.JobLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker against a real Kafka broker, with a launcher that plays a job's events instead of
 * training: what reaches the topics, and when the job's offset is committed.
 */
@ExtendWith(VertxExtension.class)
@io.vertx.junit5.Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WorkerVerticleTest {
  private static final String JOBS = Topics.jobs("cpu");
  private static final String GROUP = Topics.workerGroup("cpu");
  private static final TopicPartition JOBS_0 = new TopicPartition(JOBS, 0);
  private static final Instant NOW = PlayedRunLauncher.NOW;
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  private static LocalBroker broker;
  private static Admin admin;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void startBroker() throws Exception {
    broker =
        LocalBroker.start(
            LocalBroker.Options.of(dataDir, Installation.current().classpath(Program.KAFKA_BROKER))
                .withStartTimeout(Duration.ofSeconds(90)));
    admin =
        Admin.create(
            new HashMap<>(
                KafkaClientSettings.admin(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT)));
    admin
        .createTopics(
            List.of(
                new NewTopic(JOBS, 1, (short) 1),
                new NewTopic(Topics.EVENTS, 1, (short) 1),
                new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1),
                new NewTopic(Topics.HEARTBEATS, 1, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    producer =
        new KafkaProducer<>(
            new HashMap<>(
                KafkaClientSettings.producer(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT)),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stopBroker() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void undecodableJobGoesToDeadLettersAndTheNextJobStillRuns(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    String garbageKey = "garbage-" + UUID.randomUUID();
    byte[] garbage = "not a job {".getBytes(StandardCharsets.UTF_8);
    long garbageOffset = produce(JOBS, garbageKey, garbage);
    JobSpec job = job("after-garbage");
    long jobOffset = produce(JOBS, job.jobId(), EventCodec.encodeJob(job));
    Checkpoint deployed = ctx.checkpoint();

    vertx
        .deployVerticle(worker(vertx, new PlayedRunLauncher(2)))
        .onComplete(ctx.succeeding(id -> deployed.flag()));

    ConsumerRecord<String, byte[]> dead =
        readUntil(Topics.DEAD_LETTERS, r -> garbageKey.equals(r.key())).get(0);
    assertEquals("not a job {", new String(dead.value(), StandardCharsets.UTF_8));
    String reason = header(dead, Topics.REASON_HEADER);
    assertTrue(reason.startsWith("cannot decode JobSpec: "), reason);
    assertTrue(reason.contains("not a job {"), reason);
    assertEquals(JOBS + "-0@" + garbageOffset, header(dead, Topics.SOURCE_HEADER));

    List<RunEvent> events = eventsOf(job.jobId());
    assertEquals(
        List.of(RunStarted.class, BatchMeasured.class, BatchMeasured.class, RunCompleted.class),
        events.stream().map(Object::getClass).toList());
    assertEquals(List.of(0L, 1L, 2L, 3L), events.stream().map(RunEvent::seq).toList());
    // Neither record is taken again: the dead-lettered one is committed with the job after it.
    assertEquals(jobOffset + 1, awaitCommitted(jobOffset + 1));
    ctx.completeNow();
  }

  @Test
  void aWorkerStartedOnceRunsOneJobAndExits(Vertx vertx, VertxTestContext ctx) throws Exception {
    for (String name : List.of("once-a", "once-b")) {
      JobSpec job = job(name);
      produce(JOBS, job.jobId(), EventCodec.encodeJob(job));
    }
    var launches = new AtomicInteger();
    var exited = new CountDownLatch(1);
    JobLauncher launcher =
        (spec, runId, gpus, onEvent) -> {
          launches.incrementAndGet();
          return new PlayedRunLauncher(1).run(spec, runId, gpus, onEvent);
        };

    vertx
        .deployVerticle(
            worker(
                vertx, launcher, Map.of("WATTSWEEP_WORKER_ONCE", "true"), CLOCK, exited::countDown))
        .onComplete(ctx.succeedingThenComplete());

    assertTrue(exited.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the worker did not exit");
    Thread.sleep(1_000);
    assertEquals(1, launches.get(), "jobs run by a worker started with --once");
  }

  @Test
  void aWorkerWithAnIdleExitLeavesWhenNoJobComes(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    var exited = new CountDownLatch(1);
    long start = System.nanoTime();

    vertx
        .deployVerticle(
            worker(
                vertx,
                new PlayedRunLauncher(1),
                Map.of("WATTSWEEP_IDLE_EXIT_MS", "1500"),
                Clock.systemUTC(),
                exited::countDown))
        .onComplete(ctx.succeedingThenComplete());

    assertTrue(exited.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the idle worker did not exit");
    assertTrue(System.nanoTime() - start >= 1_500_000_000L, "exited before its idle time");
  }

  @Test
  void aBusyWorkerHasClaimedItsJobAndLeftTheNextToAWorkerThatJoinsMidRun(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    JobSpec job = job("claimed");
    JobSpec next = job("next-in-line");
    long jobOffset = produce(JOBS, job.jobId(), EventCodec.encodeJob(job));
    long nextOffset = produce(JOBS, next.jobId(), EventCodec.encodeJob(next));
    var midRun = new CountDownLatch(1);
    var finish = new CountDownLatch(1);
    JobLauncher launcher =
        (spec, runId, gpus, onEvent) -> {
          if (!spec.jobId().equals(job.jobId())) {
            return new PlayedRunLauncher(1)
                .run(spec, runId, gpus, onEvent); // left over from another test
          }
          onEvent.accept(PlayedRunLauncher.started(spec, runId));
          onEvent.accept(PlayedRunLauncher.batch(spec, runId, 1, 0));
          midRun.countDown();
          finish.await(60, TimeUnit.SECONDS);
          onEvent.accept(PlayedRunLauncher.completed(spec, runId, 2, 1));
          return new JobLauncher.Outcome(0, false, "");
        };
    vertx.deployVerticle(worker(vertx, launcher)).await();

    try {
      assertTrue(midRun.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the job did not start");
      // Claimed: a heartbeat names the job and its record is committed before the run starts,
      // so that the busy worker can leave the group.
      WorkerHeartbeat beat = heartbeatNaming(job.jobId());
      assertEquals("test-worker", beat.workerId());
      assertEquals("cpu", beat.gpuClass());
      assertTrue(awaitCommitted(jobOffset + 1) >= jobOffset + 1, "the job was not claimed");
      // A worker that joins while the first is mid-run takes the next job at once.
      var tookNext = new CountDownLatch(1);
      vertx
          .deployVerticle(
              worker(
                  vertx,
                  (spec, runId, gpus, onEvent) -> {
                    if (spec.jobId().equals(next.jobId())) {
                      tookNext.countDown();
                    }
                    return new PlayedRunLauncher(1).run(spec, runId, gpus, onEvent);
                  }))
          .await();
      assertTrue(
          tookNext.await(WAIT.toSeconds(), TimeUnit.SECONDS),
          "the next job waited for the busy worker, which has not finished its own");
    } finally {
      finish.countDown();
    }

    assertEquals(nextOffset + 1, awaitCommitted(nextOffset + 1));
    List<RunEvent> events = eventsOf(job.jobId());
    assertInstanceOf(RunCompleted.class, events.get(events.size() - 1));
    assertEquals(List.of(0L, 1L, 2L), events.stream().map(RunEvent::seq).toList());
    ctx.completeNow();
  }

  @Test
  void aRunThatEndsWithoutATerminalEventIsFailedByTheWorkerWithTheNextSeq(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    JobSpec job = job("exits-early");
    long jobOffset = produce(JOBS, job.jobId(), EventCodec.encodeJob(job));
    Checkpoint deployed = ctx.checkpoint();
    JobLauncher launcher =
        (spec, runId, gpus, onEvent) -> {
          if (!spec.jobId().equals(job.jobId())) {
            return new PlayedRunLauncher(1).run(spec, runId, gpus, onEvent);
          }
          onEvent.accept(PlayedRunLauncher.started(spec, runId));
          onEvent.accept(PlayedRunLauncher.batch(spec, runId, 1, 0));
          return new JobLauncher.Outcome(1, false, "");
        };

    vertx.deployVerticle(worker(vertx, launcher)).onComplete(ctx.succeeding(id -> deployed.flag()));

    List<RunEvent> events = eventsOf(job.jobId());
    assertEquals(3, events.size(), events.toString());
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(2));
    assertEquals(FailureReason.INTERNAL, failed.reason());
    assertEquals(2, failed.seq());
    assertEquals(events.get(0).runId(), failed.runId());
    assertEquals(NOW.toEpochMilli(), failed.atMs());
    assertEquals("job process exited with 1 before the run ended", failed.message());
    assertEquals(jobOffset + 1, awaitCommitted(jobOffset + 1));
    ctx.completeNow();
  }

  @Test
  void aStoppedWorkerGivesItsRunUpAsAborted(Vertx vertx, VertxTestContext ctx) throws Exception {
    JobSpec job = job("stopped");
    long jobOffset = produce(JOBS, job.jobId(), EventCodec.encodeJob(job));
    var midRun = new CountDownLatch(1);
    var aborted = new CountDownLatch(1);
    JobLauncher blocking =
        new JobLauncher() {
          @Override
          public Outcome run(
              JobSpec spec,
              String runId,
              List<String> gpus,
              java.util.function.Consumer<RunEvent> onEvent)
              throws InterruptedException {
            if (!spec.jobId().equals(job.jobId())) {
              return new PlayedRunLauncher(1).run(spec, runId, gpus, onEvent);
            }
            onEvent.accept(PlayedRunLauncher.started(spec, runId));
            midRun.countDown();
            aborted.await(30, TimeUnit.SECONDS);
            return new Outcome(137, false, "");
          }

          @Override
          public void abort() {
            aborted.countDown();
          }
        };
    String id = vertx.deployVerticle(worker(vertx, blocking)).await();
    assertTrue(midRun.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the job did not start");

    vertx.undeploy(id).await();

    List<RunEvent> events = eventsOf(job.jobId(), e -> e instanceof RunFailed);
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.ABORTED, failed.reason());
    assertTrue(failed.message().contains("the coordinator queues the job again"), failed.message());
    // The record was claimed: the coordinator, hearing the run was aborted, sends the job again.
    assertTrue(committed() >= jobOffset + 1, "the job was run without being claimed");
    ctx.completeNow();
  }

  @Test
  void aRunKilledWithExitCode137IsFailedAsOutOfMemory(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    JobSpec job = job("killed");
    long jobOffset = produce(JOBS, job.jobId(), EventCodec.encodeJob(job));
    Checkpoint deployed = ctx.checkpoint();
    JobLauncher launcher =
        (spec, runId, gpus, onEvent) -> {
          if (!spec.jobId().equals(job.jobId())) {
            return new PlayedRunLauncher(1).run(spec, runId, gpus, onEvent);
          }
          onEvent.accept(PlayedRunLauncher.started(spec, runId));
          return new JobLauncher.Outcome(137, false, "Killed");
        };

    vertx.deployVerticle(worker(vertx, launcher)).onComplete(ctx.succeeding(id -> deployed.flag()));

    List<RunEvent> events = eventsOf(job.jobId());
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.OUT_OF_MEMORY, failed.reason());
    assertEquals(1, failed.seq());
    assertTrue(failed.message().contains("Killed"), failed.message());
    assertEquals(jobOffset + 1, awaitCommitted(jobOffset + 1));
    ctx.completeNow();
  }

  @Test
  void aRunStoppedAtTheTimeoutIsFailedWithTheLastLinesOfItsOutput(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    JobSpec job = job("too-slow");
    long jobOffset = produce(JOBS, job.jobId(), EventCodec.encodeJob(job));
    Checkpoint deployed = ctx.checkpoint();
    JobLauncher launcher =
        (spec, runId, gpus, onEvent) -> {
          if (!spec.jobId().equals(job.jobId())) {
            return new PlayedRunLauncher(1).run(spec, runId, gpus, onEvent);
          }
          onEvent.accept(PlayedRunLauncher.started(spec, runId));
          return new JobLauncher.Outcome(137, true, "epoch 1/90, batch 4000");
        };

    vertx.deployVerticle(worker(vertx, launcher)).onComplete(ctx.succeeding(id -> deployed.flag()));

    List<RunEvent> events = eventsOf(job.jobId());
    RunFailed failed = assertInstanceOf(RunFailed.class, events.get(events.size() - 1));
    assertEquals(FailureReason.INTERNAL, failed.reason(), "our own kill is no out-of-memory");
    assertEquals(
        "job ran past PT30M (WATTSWEEP_JOB_TIMEOUT_MS) and was stopped; its last"
            + " output: epoch 1/90, batch 4000",
        failed.message());
    assertEquals(jobOffset + 1, awaitCommitted(jobOffset + 1));
    ctx.completeNow();
  }

  @Test
  void aWorkerOfFourGpusRunsJobsSideBySideOnTheirOwnGpusAndHoldsAWideJobUntilItFits(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    String gpuClass = "gpu4";
    admin
        .createTopics(List.of(new NewTopic(Topics.jobs(gpuClass), 1, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    List<JobSpec> jobs =
        List.of(
            job("pack-a", gpuClass, 1),
            job("pack-b", gpuClass, 1),
            job("pack-c", gpuClass, 2),
            job("pack-d", gpuClass, 3),
            job("pack-e", gpuClass, 1),
            job("pack-wide", gpuClass, 5));
    long wideOffset = -1;
    for (JobSpec j : jobs) {
      wideOffset = produce(Topics.jobs(gpuClass), j.jobId(), EventCodec.encodeJob(j));
    }
    Map<String, CountDownLatch> release = new ConcurrentHashMap<>();
    Map<String, List<String>> placed = new ConcurrentHashMap<>();
    List<String> startOrder = new CopyOnWriteArrayList<>();
    var runningNow = new AtomicInteger();
    var mostAtOnce = new AtomicInteger();
    JobLauncher launcher =
        (spec, runId, gpus, onEvent) -> {
          placed.put(spec.jobId(), gpus);
          startOrder.add(spec.jobId());
          mostAtOnce.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
          onEvent.accept(PlayedRunLauncher.started(spec, runId));
          release
              .computeIfAbsent(spec.jobId(), k -> new CountDownLatch(1))
              .await(60, TimeUnit.SECONDS);
          runningNow.decrementAndGet();
          onEvent.accept(PlayedRunLauncher.batch(spec, runId, 1, 0));
          onEvent.accept(PlayedRunLauncher.completed(spec, runId, 2, 1));
          return new JobLauncher.Outcome(0, false, "");
        };
    vertx
        .deployVerticle(
            worker(
                vertx,
                launcher,
                Map.of("WATTSWEEP_GPU_CLASS", gpuClass, "WATTSWEEP_WORKER_GPUS", "4"),
                CLOCK,
                () -> {}))
        .await();
    String a = jobs.get(0).jobId();
    String b = jobs.get(1).jobId();
    String c = jobs.get(2).jobId();
    String d = jobs.get(3).jobId();
    String e = jobs.get(4).jobId();

    awaitTrue(
        "a, b and c running side by side", () -> placed.keySet().containsAll(List.of(a, b, c)));
    assertEquals(List.of("0"), placed.get(a));
    assertEquals(List.of("1"), placed.get(b));
    assertEquals(List.of("2", "3"), placed.get(c));
    release(release, a);
    // d (3 GPUs) is claimed with one GPU free; it waits, and e (1 GPU) must not pass it.
    heartbeatNaming(d);
    release(release, b);
    Thread.sleep(1_000);
    assertEquals(List.of(a, b, c), startOrder, "d started without room, or e passed it");
    release(release, c);
    awaitTrue("d and then e running", () -> startOrder.size() == 5);
    assertEquals(List.of(a, b, c, d, e), startOrder);
    assertEquals(List.of("0", "1", "2"), placed.get(d));
    assertEquals(List.of("3"), placed.get(e));
    assertEquals(3, mostAtOnce.get());
    release(release, d);
    release(release, e);
    List<RunEvent> eEvents = eventsOf(e);
    assertInstanceOf(RunCompleted.class, eEvents.get(eEvents.size() - 1), eEvents.toString());
    Thread.sleep(1_000);
    assertEquals(5, startOrder.size(), "a job of 5 GPUs ran on a worker of 4");
    assertEquals(
        wideOffset,
        committedOf(GROUP, Topics.jobs(gpuClass)),
        "the job too wide for this worker was not left to the group");
    ctx.completeNow();
  }

  private static void release(Map<String, CountDownLatch> release, String jobId) {
    release.computeIfAbsent(jobId, k -> new CountDownLatch(1)).countDown();
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  private static WorkerVerticle worker(Vertx vertx, JobLauncher launcher) {
    return worker(vertx, launcher, Map.of(), CLOCK, () -> {});
  }

  private static WorkerVerticle worker(
      Vertx vertx, JobLauncher launcher, Map<String, String> settings, Clock clock, Runnable exit) {
    String bootstrap = broker.bootstrapServers();
    var env =
        new HashMap<>(
            Map.of(
                "WATTSWEEP_KAFKA_BOOTSTRAP", bootstrap,
                "WATTSWEEP_GPU_CLASS", "cpu",
                "WATTSWEEP_WORKER_ID", "test-worker",
                "WATTSWEEP_HEARTBEAT_INTERVAL_MS", "200"));
    env.putAll(settings);
    return new WorkerVerticle(
        WorkerConfig.fromEnv(env),
        io.vertx.kafka.client.consumer.KafkaConsumer.create(
            vertx, KafkaClientSettings.consumer(bootstrap, KafkaSecurity.PLAINTEXT, GROUP, 1)),
        io.vertx.kafka.client.producer.KafkaProducer.create(
            vertx, KafkaClientSettings.producer(bootstrap, KafkaSecurity.PLAINTEXT)),
        launcher,
        clock,
        "test-host",
        RunObserver.NONE,
        exit);
  }

  private static JobSpec job(String name) {
    return job(name, "cpu", 1);
  }

  private static JobSpec job(String name, String gpuClass, int gpus) {
    String sweep = "s-" + name;
    return new JobSpec(
        sweep + "-" + UUID.randomUUID().toString().substring(0, 8),
        sweep,
        "3dgan",
        0.25,
        gpuClass,
        Precision.FP32,
        8 * gpus,
        gpus,
        0,
        2,
        new FullTraining(1_000, 1),
        null,
        null,
        null);
  }

  private static long produce(String topic, String key, byte[] value) throws Exception {
    return producer
        .send(new ProducerRecord<>(topic, key, value))
        .get(10, TimeUnit.SECONDS)
        .offset();
  }

  /** The group's committed offset on the jobs partition, or -1 when none. */
  private static long committed() throws Exception {
    return committedOf(GROUP, JOBS);
  }

  private static long committedOf(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
    return o == null ? -1 : o.offset();
  }

  private static long awaitCommitted(long atLeast) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long offset = committed();
    while (offset < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling another process's state: no clock to fake
      offset = committed();
    }
    return offset;
  }

  /** The events of one job, in topic order, up to its terminal event. */
  private static List<RunEvent> eventsOf(String jobId) {
    return eventsOf(jobId, e -> e instanceof RunCompleted || e instanceof RunFailed);
  }

  private static List<RunEvent> eventsOf(String jobId, Predicate<RunEvent> last) {
    List<RunEvent> events = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r :
        readUntil(
            Topics.EVENTS,
            r ->
                jobId.equals(r.key()) && last.test((RunEvent) EventCodec.decodeEvent(r.value())))) {
      if (jobId.equals(r.key())) {
        events.add((RunEvent) EventCodec.decodeEvent(r.value()));
      }
    }
    return events;
  }

  private static WorkerHeartbeat heartbeatNaming(String jobId) {
    List<ConsumerRecord<String, byte[]>> records =
        readUntil(
            Topics.HEARTBEATS,
            r -> {
              Event e = EventCodec.decodeEvent(r.value());
              return ((WorkerHeartbeat) e).jobIds().contains(jobId);
            });
    return (WorkerHeartbeat) EventCodec.decodeEvent(records.get(records.size() - 1).value());
  }

  /** Reads {@code topic} from its start until a record matches; fails the test at the deadline. */
  private static List<ConsumerRecord<String, byte[]>> readUntil(
      String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      var partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          seen.add(r);
          if (match.test(r)) {
            return seen;
          }
        }
      }
    }
    throw new AssertionError(
        "no matching record on " + topic + " within " + WAIT + "; saw " + seen.size() + " records");
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    assertTrue(h != null, "no header " + name);
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
