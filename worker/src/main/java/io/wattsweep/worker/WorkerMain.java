package io.wattsweep.worker;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.Topics;
import io.wattsweep.worker.command.CommandWorkloads;
import io.wattsweep.worker.job.WorkerVerticle;
import io.wattsweep.worker.metrics.GpuSampler;
import io.wattsweep.worker.metrics.MetricsVerticle;
import io.wattsweep.worker.metrics.WorkerMetrics;
import io.wattsweep.worker.process.ProcessJobLauncher;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a worker until the process is stopped ({@code ./wattsweep worker}), or until its one job
 * ({@code --once}) or its idle time (WATTSWEEP_IDLE_EXIT_MS) is over.
 */
public final class WorkerMain {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

  /** How long past its stop grace a stopping worker waits for its last events to be sent. */
  private static final long SHUTDOWN_MARGIN_MS = 30_000;

  private WorkerMain() {}

  public static void main(String[] args) throws UnknownHostException {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnv(System.getenv(), List.of(args));
    } catch (IllegalArgumentException e) {
      LOG.error("Worker did not start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("Starting with {}", config);
    try {
      CommandWorkloads commands = CommandWorkloads.load(config.commandsFile());
      LOG.info(
          "Command workloads: {}",
          commands.names().isEmpty()
              ? "none; " + commands.describe()
              : String.join(", ", commands.names())
                  + " (from "
                  + config.commandsFile().get()
                  + ")");
    } catch (IllegalArgumentException e) {
      LOG.error("Worker did not start: {}", e.getMessage());
      System.exit(1);
    }
    Map<String, String> consumerSettings =
        KafkaClientSettings.consumer(
            config.kafkaBootstrap(),
            config.kafkaSecurity(),
            Topics.workerGroup(config.gpuClass()),
            1);
    // A worker is in the group only while it is free and polling every half second: a member
    // that stops beating for 10 s is gone, and its partitions go to the other free workers.
    // Members learn of a rebalance (a worker leaving with a job, or joining) from their next
    // heartbeat: every half second, so that a free worker gets the partitions of one that just
    // took a job within about that long (at 3 s, the first wave of a sweep waited seconds).
    consumerSettings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    consumerSettings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    consumerSettings.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "60000");
    // Cooperative rebalancing: when a worker leaves with a job or comes back, only its partitions
    // move; the others keep theirs and go on fetching (the eager default revokes every member's
    // partitions on each such change).
    consumerSettings.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    // Most partitions of a jobs topic are empty most of the time: a fetch of only empty ones waits
    // fetch.max.wait.ms at the broker (500 ms by default), which a worker just given partitions
    // pays before it sees the one that holds a job.
    consumerSettings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    // The coordinator makes the jobs topic of each class (with WATTSWEEP_JOB_PARTITIONS; on a
    // worker's first heartbeat, else on a sweep's): one the broker made on this consumer's first
    // use would have one partition, which only one worker of the class can hold at a time.
    consumerSettings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    Vertx vertx = Vertx.vertx();
    var metrics = new WorkerMetrics(config.workerId(), config.gpuClass(), System::nanoTime);
    var metricsEndpoint =
        new MetricsVerticle(
            config.metricsPort(),
            metrics,
            () ->
                "cpu".equals(config.gpuClass())
                    ? Optional.empty()
                    : GpuSampler.start(System.getenv(), metrics, GpuSampler.DEFAULT_INTERVAL));
    var verticle =
        new WorkerVerticle(
            config,
            KafkaConsumer.create(vertx, consumerSettings),
            KafkaProducer.create(
                vertx,
                KafkaClientSettings.producer(config.kafkaBootstrap(), config.kafkaSecurity())),
            new ProcessJobLauncher(config, System.getProperty("java.class.path")),
            Clock.systemUTC(),
            InetAddress.getLocalHost().getHostName(),
            metrics,
            () -> vertx.close().onComplete(ar -> System.exit(0)));
    // SIGTERM: the verticle hands its job back (see WorkerVerticle.stop), then the worker exits 0,
    // a clean stop rather than the 143 of a process killed by the signal.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // With the broker away, the last events and the clients' close never end:
                  // bounded, so that a stop is a stop (the coordinator learns of the jobs
                  // from the worker's silence instead).
                  long bound = config.stopGrace().toMillis() + SHUTDOWN_MARGIN_MS;
                  try {
                    vertx.close().await(bound, TimeUnit.MILLISECONDS);
                  } catch (TimeoutException e) {
                    LOG.warn(
                        "Stopped after {} ms without the broker's acknowledgements of its last"
                            + " events (WATTSWEEP_STOP_GRACE_MS + {} ms)",
                        bound,
                        SHUTDOWN_MARGIN_MS);
                  }
                  Runtime.getRuntime().halt(0);
                },
                "worker-shutdown"));
    vertx
        .deployVerticle(metricsEndpoint)
        .compose(id -> vertx.deployVerticle(verticle))
        .onFailure(
            err -> {
              LOG.error("Worker did not start: {}", err.toString());
              System.exit(1);
            });
  }
}
