package io.wattsweep.worker.job;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.wattsweep.common.DeadLetters;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.WorkerHeartbeat;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.metrics.RunObserver;
import io.wattsweep.worker.process.JobLauncher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the jobs of one GPU class, as a member of the class's consumer group only while it can
 * place another: poll one record, claim the job (a heartbeat that names it, then the record's
 * offset committed), run it in its own process on GPUs of its own, publish its events. A worker
 * with free GPUs polls on beside its running jobs; one that can place nothing more leaves the
 * group, and joins again when a job ends. So a queued job never waits behind a running one, and a
 * worker that joins mid-sweep takes the next job at once (no rebalance waits on a busy member). A
 * job wider than the GPUs free now is still claimed, and the worker takes nothing else until its
 * running jobs leave room for it (a stream of narrow jobs cannot starve a wide one); a job wider
 * than all of them is left to the group, for a wider worker ({@link Devices}). From the claim on,
 * the job's fate is the coordinator's: it sees the run's events and the worker's heartbeats, and
 * queues the job again when the run is aborted or its worker falls silent. A record that cannot be
 * decoded goes to the dead-letter topic. A {@link RunObserver} (the worker's metrics) hears of each
 * job and each of its events. Told to stop, it takes no more jobs, lets the running ones go on for
 * the stop grace, then gives their runs up as {@code aborted}, which the coordinator answers by
 * queueing the jobs again at once. In {@code once} mode it stops taking jobs after the first and
 * calls its exit once that has ended; with an idle exit, it does the same after that long without a
 * job.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final Duration POLL = Duration.ofMillis(500);

  /** How long a worker stays out of its group after leaving it a job too wide for it. */
  private static final Duration WIDE_JOB_BACKOFF = Duration.ofSeconds(5);

  private final WorkerConfig config;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final JobLauncher launcher;
  private final Clock clock;
  private final String host;
  private final RunObserver observer;
  private final Runnable exit;
  private final Devices devices;

  /** The jobs this worker holds, in the order it took them: running, or waiting for GPUs. */
  private final Set<String> held = new LinkedHashSet<>();

  private final Map<String, Future<Void>> runs = new LinkedHashMap<>();
  private volatile boolean running;
  private volatile boolean stopping;

  /** A claimed job waiting for GPUs to free up; the worker takes nothing else meanwhile. */
  private JobSpec waiting;

  /** Whether the poll loop is parked until a job ends (it can place nothing now). */
  private boolean parked;

  private boolean tookOne;

  /** The last job left for a wider worker, so that it is logged once, not every few seconds. */
  private String lastTooWide;

  private long idleSinceMs;

  /** Whether the consumer is in the group: only while the worker can place a job. */
  private boolean member;

  private long heartbeatTimer = -1;

  public WorkerVerticle(
      WorkerConfig config,
      KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> producer,
      JobLauncher launcher,
      Clock clock,
      String host,
      RunObserver observer,
      Runnable exit) {
    this.config = config;
    this.consumer = consumer;
    this.producer = producer;
    this.launcher = launcher;
    this.clock = clock;
    this.host = host;
    this.observer = observer;
    this.exit = exit;
    this.devices = new Devices(config.gpus());
  }

  @Override
  public Future<?> start() {
    return consumer
        .subscribe(topic())
        .onSuccess(
            v -> {
              member = true;
              running = true;
              idleSinceMs = clock.millis();
              heartbeatTimer =
                  vertx.setPeriodic(0, config.heartbeatInterval().toMillis(), id -> heartbeat());
              LOG.info(
                  "Worker {} takes jobs from {}{}",
                  config.workerId(),
                  topic(),
                  devices.total() == 0
                      ? ", one at a time"
                      : " on GPUs " + String.join(",", config.gpus()) + ", side by side");
              // A process waits ready for the first job on each GPU (or on the worker's own).
              launcher.startSpares(
                  devices.total() == 0
                      ? List.of(List.of())
                      : config.gpus().stream().map(List::of).toList());
              pollLoop();
            });
  }

  @Override
  public Future<?> stop() {
    running = false;
    vertx.cancelTimer(heartbeatTimer);
    launcher.close();
    Future<Void> jobs = Future.all(List.copyOf(runs.values())).mapEmpty();
    if (!runs.isEmpty()) {
      LOG.info(
          "Worker {} stopping; its {} job(s) have {} to end",
          config.workerId(),
          runs.size(),
          config.stopGrace());
      long grace =
          vertx.setTimer(
              Math.max(1, config.stopGrace().toMillis()),
              t -> {
                stopping = true;
                launcher.abort();
              });
      jobs = jobs.onComplete(ar -> vertx.cancelTimer(grace));
    }
    Future<?> handBack = waiting == null ? Future.succeededFuture() : giveBack(waiting);
    // A last beat that names no job: the coordinator must not take the silence that follows
    // for a worker lost with its jobs.
    return Future.join(jobs, handBack)
        .transform(ar -> heartbeat())
        .transform(ar -> Future.join(consumer.close(), producer.close()));
  }

  private String topic() {
    return Topics.jobs(config.gpuClass());
  }

  /**
   * Polls while the worker can place a job; parks, out of the group, while it cannot, until a job
   * ends ({@link #ended}).
   */
  private void pollLoop() {
    if (!running) {
      return;
    }
    startWaiting();
    if (waiting != null || devices.full() || (config.once() && tookOne)) {
      parked = true;
      leave();
      return;
    }
    rejoin()
        .compose(v -> consumer.poll(POLL))
        .compose(
            records -> records.isEmpty() ? Future.succeededFuture(0) : handle(records.recordAt(0)))
        .onComplete(
            ar -> {
              if (ar.failed() && running) {
                LOG.error("Taking a job failed; trying again: {}", ar.cause().toString());
                vertx.setTimer(1000, t -> pollLoop());
              } else if (ar.succeeded() && ar.result() < 0) {
                leave()
                    .onComplete(l -> vertx.setTimer(WIDE_JOB_BACKOFF.toMillis(), t -> pollLoop()));
              } else if (ar.succeeded() && idleTooLong()) {
                running = false;
                exit.run();
              } else {
                pollLoop();
              }
            });
  }

  /** A job ended: its GPUs are free again, and a parked poll loop goes on. */
  private void ended(JobSpec job, List<String> gpus) {
    devices.give(gpus);
    held.remove(job.jobId());
    runs.remove(job.jobId());
    if (runs.isEmpty()) {
      idleSinceMs = clock.millis();
    }
    if (running && config.once() && tookOne && runs.isEmpty() && waiting == null) {
      LOG.info("Worker {} ran its one job (--once); exiting", config.workerId());
      running = false;
      exit.run();
      return;
    }
    if (parked) {
      parked = false;
      pollLoop();
    }
  }

  /** Starts the claimed job that waits for GPUs, once enough are free. */
  private void startWaiting() {
    if (waiting != null && running && devices.fitsNow(waiting.gpus())) {
      JobSpec job = waiting;
      waiting = null;
      start(job);
    }
  }

  private void start(JobSpec job) {
    List<String> gpus = devices.take(job.gpus());
    Future<Void> run = runJob(job, gpus);
    runs.put(job.jobId(), run);
    run.onComplete(ar -> ended(job, gpus));
  }

  /** Back in the group, unless the worker is stopping. */
  private Future<Void> rejoin() {
    if (!running || member) {
      return Future.succeededFuture();
    }
    return consumer.subscribe(topic()).onSuccess(v -> member = true);
  }

  /** Out of the group: it holds no partition while it can place no job. */
  private Future<Void> leave() {
    if (!member) {
      return Future.succeededFuture();
    }
    return consumer
        .unsubscribe()
        .onSuccess(v -> member = false)
        .recover(
            err -> {
              LOG.warn(
                  "Worker {} could not leave its group: {}", config.workerId(), err.toString());
              return Future.succeededFuture();
            });
  }

  /** Whether this worker has had no job for its idle exit time. */
  private boolean idleTooLong() {
    if (config.idleExit().isZero() || !runs.isEmpty() || waiting != null) {
      return false;
    }
    Duration idle = Duration.ofMillis(clock.millis() - idleSinceMs);
    if (idle.compareTo(config.idleExit()) >= 0) {
      LOG.info(
          "Worker {} had no job for {} (WATTSWEEP_IDLE_EXIT_MS); exiting", config.workerId(), idle);
      return true;
    }
    return false;
  }

  /**
   * A decodable record is claimed and started (or kept waiting for GPUs); one that cannot be
   * decoded goes to the dead-letter topic and is committed; one too wide for this worker is left
   * uncommitted for another (-1). A claim that fails (the partition moved to another worker before
   * the commit) leaves the job to that worker. Returns how many jobs it took.
   */
  private Future<Integer> handle(KafkaConsumerRecord<String, byte[]> record) {
    var tp = new TopicPartition(record.topic(), record.partition());
    var next = Map.of(tp, new OffsetAndMetadata(record.offset() + 1, ""));
    JobSpec job;
    try {
      job = EventCodec.decodeJob(record.value());
    } catch (EventCodec.DecodeException bad) {
      LOG.warn(
          "Job record {}@{} cannot be decoded, sent to {}: {}",
          tp,
          record.offset(),
          Topics.DEAD_LETTERS,
          bad.getMessage());
      return producer
          .send(DeadLetters.of(record.record(), bad.getMessage()))
          .compose(m -> consumer.commit(next))
          .map(0);
    }
    if (!devices.fits(job.gpus())) {
      boolean again = job.jobId().equals(lastTooWide);
      lastTooWide = job.jobId();
      (again ? LOG.atDebug() : LOG.atWarn())
          .log(
              "Job {} asks for {} GPUs; worker {} has {}"
                  + " (WATTSWEEP_WORKER_GPUS): left for a wider worker",
              job.jobId(),
              job.gpus(),
              config.workerId(),
              devices.total());
      return consumer.seek(tp, record.offset()).map(-1);
    }
    held.add(job.jobId());
    return heartbeat()
        .compose(m -> consumer.commit(next))
        .<Integer>map(
            v -> {
              tookOne = true;
              if (!running) {
                // Claimed as the worker was told to stop: its last beat names the job, which the
                // coordinator queues again once the worker has fallen silent.
                LOG.warn("Job {} claimed while stopping; left to the coordinator", job.jobId());
              } else if (devices.fitsNow(job.gpus())) {
                start(job);
              } else {
                LOG.info(
                    "Job {} waits for {} GPUs to be free on worker {}",
                    job.jobId(),
                    job.gpus(),
                    config.workerId());
                waiting = job;
              }
              return 1;
            })
        .recover(
            err -> {
              held.remove(job.jobId());
              LOG.warn(
                  "Job {} not claimed ({}); its record stays with the group",
                  job.jobId(),
                  err.toString());
              // Read it again if the partition is still ours; else its new owner has it.
              return consumer.seek(tp, record.offset()).transform(s -> Future.failedFuture(err));
            });
  }

  /**
   * Hands back a claimed job that never started (its worker is stopping): an aborted run, which the
   * coordinator answers by queueing the job again at once.
   */
  private Future<?> giveBack(JobSpec job) {
    waiting = null;
    String runId = job.jobId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    var failed =
        new RunFailed(
            job.jobId(),
            runId,
            0,
            clock.millis(),
            FailureReason.ABORTED,
            "the worker was told to stop before the job had GPUs to start on; the coordinator"
                + " queues the job again");
    return send(failed).onComplete(ar -> held.remove(job.jobId()));
  }

  /** Runs the job; succeeds once every event of the run, its last included, is acknowledged. */
  private Future<Void> runJob(JobSpec job, List<String> gpus) {
    String runId = job.jobId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    observe(() -> observer.jobStarted(job, runId));
    var tracker = new RunTracker();
    var sends = new ArrayList<Future<?>>();
    var context = vertx.getOrCreateContext();
    Promise<JobLauncher.Outcome> outcome = Promise.promise();
    vertx
        .<JobLauncher.Outcome>executeBlocking(
            () ->
                launcher.run(
                    job,
                    runId,
                    gpus,
                    event -> {
                      tracker.saw(event);
                      observe(() -> observer.event(job, event));
                      context.runOnContext(v -> sends.add(send(event)));
                    }),
            false)
        .onComplete(outcome);
    // The run's events were queued on the context while it ran; hop through the context once
    // more so that they are all sent before the worker adds its own last event and waits.
    Promise<Void> drained = Promise.promise();
    outcome.future().onComplete(done -> context.runOnContext(v -> drained.complete()));
    return drained
        .future()
        .transform(
            d -> {
              var ar = outcome.future();
              if (!tracker.finished()) {
                var failed = failure(job, runId, tracker.nextSeq(), ar);
                observe(() -> observer.event(job, failed));
                sends.add(send(failed));
              }
              return Future.all(List.copyOf(sends));
            })
        .onComplete(ar -> observe(() -> observer.jobEnded(job, runId)))
        .mapEmpty();
  }

  /** The last event of a run whose process ended without sending one, and why. */
  private RunFailed failure(
      JobSpec job, String runId, long seq, AsyncResult<JobLauncher.Outcome> ar) {
    FailureReason reason = FailureReason.INTERNAL;
    String why;
    if (stopping) {
      reason = FailureReason.ABORTED;
      why =
          "the worker was told to stop and gave the run up after its grace of "
              + config.stopGrace()
              + " (WATTSWEEP_STOP_GRACE_MS); the coordinator queues the job again";
    } else if (ar.failed()) {
      why = "job process could not run: " + ar.cause();
    } else {
      JobLauncher.Outcome out = ar.result();
      if (out.timedOut()) {
        why = "job ran past " + config.jobTimeout() + " (WATTSWEEP_JOB_TIMEOUT_MS) and was stopped";
      } else if (out.exitCode() == 137) {
        // SIGKILL, and neither our watchdog nor our stop sent it: the kernel's OOM killer, most
        // likely; a person's kill -9 looks the same from here.
        reason = FailureReason.OUT_OF_MEMORY;
        why =
            "job process exited with 137 (SIGKILL: most likely the kernel's out-of-memory killer,"
                + " else a kill -9) before the run ended";
      } else {
        why = "job process exited with " + out.exitCode() + " before the run ended";
      }
      if (!out.errorTail().isEmpty()) {
        why += "; its last output: " + out.errorTail();
      }
    }
    return new RunFailed(job.jobId(), runId, seq, clock.millis(), reason, why);
  }

  /** Metrics never stop a job. */
  private static void observe(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("Run observer failed: {}", e.toString());
    }
  }

  private Future<?> send(RunEvent e) {
    return producer.send(
        KafkaProducerRecord.create(Topics.EVENTS, e.jobId(), EventCodec.encode(e)));
  }

  /** A heartbeat naming the jobs this worker holds; it also claims a job being taken. */
  private Future<?> heartbeat() {
    var hb =
        WorkerHeartbeat.of(
            config.workerId(), config.gpuClass(), host, clock.millis(), List.copyOf(held));
    return producer
        .send(
            KafkaProducerRecord.create(Topics.HEARTBEATS, config.workerId(), EventCodec.encode(hb)))
        .onFailure(err -> LOG.warn("Heartbeat not sent: {}", err.toString()));
  }
}
