package io.wattsweep.worker.job;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the jobs of one GPU class one at a time, as a member of the class's consumer group only
 * while it is free: poll one record, claim the job (a heartbeat that names it, then the record's
 * offset committed), leave the group, run the job in its own process and publish its events, then
 * join again. A busy worker holds no partition, so a queued job never waits behind a running one
 * and a worker that joins mid-sweep takes the next job at once (no rebalance waits on a busy
 * member). From the claim on, the job's fate is the coordinator's: it sees the run's events and
 * the worker's heartbeats, and queues the job again when the run is aborted or its worker falls
 * silent. A record that cannot be decoded goes to the dead-letter topic. A {@link RunObserver}
 * (the worker's metrics) hears of each job and each of its events. Told to stop, it takes no more
 * jobs, lets the running one go on for the stop grace, then gives the run up as {@code aborted},
 * which the coordinator answers by queueing the job again at once. In {@code once} mode it stops
 * taking jobs after the first and calls its exit; with an idle exit, it does the same after that
 * long without a job.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final WorkerConfig config;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final JobLauncher launcher;
  private final Clock clock;
  private final String host;
  private final RunObserver observer;
  private final Runnable exit;
  private volatile boolean running;
  private volatile boolean stopping;
  private Future<Void> inFlight = Future.succeededFuture();
  private long idleSinceMs;
  private volatile String currentJobId;
  /** Whether the consumer is in the group: only while the worker is free. */
  private boolean member;
  private long heartbeatTimer = -1;

  public WorkerVerticle(WorkerConfig config, KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> producer, JobLauncher launcher, Clock clock, String host,
      RunObserver observer, Runnable exit) {
    this.config = config;
    this.consumer = consumer;
    this.producer = producer;
    this.launcher = launcher;
    this.clock = clock;
    this.host = host;
    this.observer = observer;
    this.exit = exit;
  }

  @Override
  public Future<?> start() {
    return consumer.subscribe(topic()).onSuccess(v -> {
      member = true;
      running = true;
      idleSinceMs = clock.millis();
      heartbeatTimer = vertx.setPeriodic(0, config.heartbeatInterval().toMillis(),
          id -> heartbeat());
      LOG.info("Worker {} takes jobs from {}", config.workerId(), topic());
      pollLoop();
    });
  }

  @Override
  public Future<?> stop() {
    running = false;
    vertx.cancelTimer(heartbeatTimer);
    Future<Void> job = inFlight;
    if (!job.isComplete()) {
      LOG.info("Worker {} stopping; its job has {} to end", config.workerId(), config.stopGrace());
      long grace = vertx.setTimer(Math.max(1, config.stopGrace().toMillis()), t -> {
        stopping = true;
        launcher.abort();
      });
      job = job.onComplete(ar -> vertx.cancelTimer(grace));
    }
    // A last beat that names no job: the coordinator must not take the silence that follows
    // for a worker lost with its job.
    return job.transform(ar -> heartbeat())
        .transform(ar -> Future.join(consumer.close(), producer.close()));
  }

  private String topic() {
    return Topics.jobs(config.gpuClass());
  }

  private void pollLoop() {
    if (!running) {
      return;
    }
    consumer.poll(POLL)
        .compose(records -> records.isEmpty() ? Future.succeededFuture(0)
            : handle(records.recordAt(0)))
        .onComplete(ar -> {
          if (ar.failed() && running) {
            LOG.error("Taking a job failed; trying again: {}", ar.cause().toString());
            vertx.setTimer(1000, t -> rejoin().onComplete(j -> pollLoop()));
          } else if (ar.succeeded() && done(ar.result())) {
            running = false;
            exit.run();
          } else {
            rejoin().onComplete(j -> pollLoop());
          }
        });
  }

  /** Back in the group after a job, unless the worker is stopping. */
  private Future<Void> rejoin() {
    if (!running || member) {
      return Future.succeededFuture();
    }
    return consumer.subscribe(topic()).onSuccess(v -> member = true);
  }

  /** Whether this worker is done taking jobs, after a poll that ran {@code handled} jobs. */
  private boolean done(int handled) {
    long now = clock.millis();
    if (handled > 0) {
      idleSinceMs = now;
      if (config.once()) {
        LOG.info("Worker {} ran its one job (--once); exiting", config.workerId());
        return true;
      }
      return false;
    }
    Duration idle = Duration.ofMillis(now - idleSinceMs);
    if (!config.idleExit().isZero() && idle.compareTo(config.idleExit()) >= 0) {
      LOG.info("Worker {} had no job for {} (WATTSWEEP_IDLE_EXIT_MS); exiting",
          config.workerId(), idle);
      return true;
    }
    return false;
  }

  /**
   * A decodable record is claimed, then run outside the group; one that cannot be decoded goes to
   * the dead-letter topic and is committed. A claim that fails (the partition moved to another
   * worker before the commit) leaves the job to that worker.
   */
  private Future<Integer> handle(KafkaConsumerRecord<String, byte[]> record) {
    var tp = new TopicPartition(record.topic(), record.partition());
    var next = Map.of(tp, new OffsetAndMetadata(record.offset() + 1, ""));
    JobSpec job;
    try {
      job = EventCodec.decodeJob(record.value());
    } catch (EventCodec.DecodeException bad) {
      LOG.warn("Job record {}@{} cannot be decoded, sent to {}: {}", tp, record.offset(),
          Topics.DEAD_LETTERS, bad.getMessage());
      // No job ran: a --once worker goes on to a job it can run.
      return producer.send(DeadLetters.of(record.record(), bad.getMessage()))
          .compose(m -> consumer.commit(next)).map(0);
    }
    currentJobId = job.jobId();
    Future<Void> claimed = heartbeat()
        .compose(m -> consumer.commit(next))
        .<Void>mapEmpty()
        .recover(err -> {
          currentJobId = null;
          LOG.warn("Job {} not claimed ({}); its record stays with the group", job.jobId(),
              err.toString());
          // Read it again if the partition is still ours; else its new owner has it.
          return consumer.seek(tp, record.offset()).transform(s -> Future.failedFuture(err));
        })
        // Claimed: the job is this worker's to run, whether or not it manages to leave the group.
        .compose(v -> consumer.unsubscribe()
            .onSuccess(u -> member = false)
            .recover(err -> {
              LOG.warn("Worker {} could not leave its group before job {}: {}",
                  config.workerId(), job.jobId(), err.toString());
              return Future.succeededFuture();
            }));
    // A stopping worker closes its consumer only after this, the run's last event included.
    inFlight = claimed.compose(v -> runJob(job));
    return inFlight.map(1);
  }

  /** Runs the job; succeeds once every event of the run, its last included, is acknowledged. */
  private Future<Void> runJob(JobSpec job) {
    String runId = job.jobId() + "-" + UUID.randomUUID().toString().substring(0, 8);
    currentJobId = job.jobId();
    observe(() -> observer.jobStarted(job, runId));
    var tracker = new RunTracker();
    var sends = new ArrayList<Future<?>>();
    var context = vertx.getOrCreateContext();
    Promise<JobLauncher.Outcome> outcome = Promise.promise();
    vertx.<JobLauncher.Outcome>executeBlocking(() -> launcher.run(job, runId, event -> {
          tracker.saw(event);
          observe(() -> observer.event(job, event));
          context.runOnContext(v -> sends.add(send(event)));
        }), false)
        .onComplete(outcome);
    // The run's events were queued on the context while it ran; hop through the context once
    // more so that they are all sent before the worker adds its own last event and waits.
    Promise<Void> drained = Promise.promise();
    outcome.future().onComplete(done -> context.runOnContext(v -> drained.complete()));
    return drained.future()
        .transform(d -> {
          var ar = outcome.future();
          if (!tracker.finished()) {
            String why = ar.failed() ? "job process could not run: " + ar.cause()
                : (ar.result().timedOut() ? "job ran past " + config.jobTimeout()
                    + " (WATTSWEEP_JOB_TIMEOUT_MS) and was stopped"
                    : "job process exited with " + ar.result().exitCode()
                        + " before the run ended")
                    + (ar.result().errorTail().isEmpty() ? ""
                        : "; its last output: " + ar.result().errorTail());
            // 137 is SIGKILL: the kernel's OOM killer, unless our own watchdog or stop sent it.
            FailureReason reason = stopping ? FailureReason.ABORTED
                : ar.succeeded() && !ar.result().timedOut() && ar.result().exitCode() == 137
                    ? FailureReason.OUT_OF_MEMORY : FailureReason.INTERNAL;
            if (stopping) {
              why = "the worker was told to stop and gave the run up after its grace of "
                  + config.stopGrace() + " (WATTSWEEP_STOP_GRACE_MS); the coordinator queues the"
                  + " job again";
            }
            var failed = new RunFailed(job.jobId(), runId, tracker.nextSeq(), clock.millis(),
                reason, why);
            observe(() -> observer.event(job, failed));
            sends.add(send(failed));
          }
          return Future.all(List.copyOf(sends));
        })
        .onComplete(ar -> {
          currentJobId = null;
          observe(() -> observer.jobEnded(job, runId));
        })
        .mapEmpty();
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
    return producer.send(KafkaProducerRecord.create(Topics.EVENTS, e.jobId(),
        EventCodec.encode(e)));
  }

  /** A heartbeat naming the job this worker runs, if any; it also claims a job being taken. */
  private Future<?> heartbeat() {
    var hb = new WorkerHeartbeat(config.workerId(), config.gpuClass(), host, clock.millis(),
        currentJobId);
    return producer.send(KafkaProducerRecord.create(Topics.HEARTBEATS, config.workerId(),
            EventCodec.encode(hb)))
        .onFailure(err -> LOG.warn("Heartbeat not sent: {}", err.toString()));
  }
}
