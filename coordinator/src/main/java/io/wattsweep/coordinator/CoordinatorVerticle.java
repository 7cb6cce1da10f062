package io.wattsweep.coordinator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.spec.Checks;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.coordinator.access.AccessHandler;
import io.wattsweep.coordinator.access.AccessPolicy;
import io.wattsweep.coordinator.access.ApiListener;
import io.wattsweep.coordinator.access.LoginPage;
import io.wattsweep.coordinator.api.ApiRouter;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.dashboard.Dashboard;
import io.wattsweep.coordinator.dashboard.DashboardAssets;
import io.wattsweep.coordinator.dashboard.LiveHub;
import io.wattsweep.coordinator.dashboard.ReportFiles;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.coordinator.kafka.HeartbeatReader;
import io.wattsweep.coordinator.kafka.JobPublisher;
import io.wattsweep.coordinator.kafka.TopicSetup;
import io.wattsweep.coordinator.metrics.CatalogGauges;
import io.wattsweep.coordinator.metrics.ConsumerLag;
import io.wattsweep.coordinator.metrics.CoordinatorMetrics;
import io.wattsweep.coordinator.metrics.MetricsEndpoint;
import io.wattsweep.coordinator.report.SweepReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: creates the topics, serves the API, the dashboard and {@code /metrics} on one
 * port (HTTP or HTTPS, each request checked against the tokens' roles), ingests events (telling the
 * metrics and the dashboard's live stream of each batch), reads the workers' heartbeats, abandons
 * the runs it judges lost and republishes jobs that Kafka never acknowledged. The catalog is opened
 * by the caller and passed in.
 */
public final class CoordinatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);

  private final CoordinatorConfig config;
  private final Catalog catalog;
  private final Clock clock;
  private final CoordinatorMetrics metrics;
  private final LiveHub hub;
  private KafkaAdminClient admin;
  private KafkaProducer<String, byte[]> producer;
  private EventIngestor ingestor;
  private HeartbeatReader heartbeats;
  private JobPublisher publisher;
  private TopicSetup topicSetup;
  private HttpServer server;
  private CatalogGauges catalogGauges;
  private ConsumerLag consumerLag;
  private DashboardAssets assets;
  private Path reportCache;
  private long republishTimer = -1;
  private boolean republishing;
  private boolean republishAgain;
  private long reaperTimer = -1;

  public CoordinatorVerticle(CoordinatorConfig config, Catalog catalog, Clock clock) {
    this(config, catalog, clock, new CoordinatorMetrics());
  }

  public CoordinatorVerticle(
      CoordinatorConfig config, Catalog catalog, Clock clock, CoordinatorMetrics metrics) {
    this(config, catalog, clock, metrics, new LiveHub(clock, metrics));
  }

  public CoordinatorVerticle(
      CoordinatorConfig config,
      Catalog catalog,
      Clock clock,
      CoordinatorMetrics metrics,
      LiveHub hub) {
    this.config = config;
    this.catalog = catalog;
    this.clock = clock;
    this.metrics = metrics;
    this.hub = hub;
  }

  /** The port the API listens on (useful when the configured port was 0). */
  public int httpPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    // Kafka clients connect and load classes in their constructors: not on the event loop.
    return vertx
        .executeBlocking(
            () -> {
              admin =
                  KafkaAdminClient.create(
                      vertx,
                      KafkaClientSettings.admin(config.kafkaBootstrap(), config.kafkaSecurity()));
              producer =
                  KafkaProducer.create(
                      vertx,
                      KafkaClientSettings.producer(
                          config.kafkaBootstrap(), config.kafkaSecurity()));
              ingestor =
                  new EventIngestor(
                      vertx,
                      KafkaConsumer.create(
                          vertx,
                          KafkaClientSettings.consumer(
                              config.kafkaBootstrap(),
                              config.kafkaSecurity(),
                              EventIngestor.GROUP,
                              EventIngestor.MAX_POLL_RECORDS)),
                      producer,
                      catalog,
                      clock,
                      List.of(metrics, hub, this::requeueAborted));
              heartbeats =
                  new HeartbeatReader(
                      vertx,
                      KafkaConsumer.create(
                          vertx,
                          KafkaClientSettings.consumer(
                              config.kafkaBootstrap(),
                              config.kafkaSecurity(),
                              HeartbeatReader.GROUP,
                              EventIngestor.MAX_POLL_RECORDS)),
                      clock,
                      config.workerLiveFor(),
                      this::workerClassSeen);
              assets = DashboardAssets.load();
              reportCache = Files.createTempDirectory("wattsweep-reports");
              return new TopicSetup(
                  admin,
                  config.jobPartitions(),
                  config.eventPartitions(),
                  config.replicationFactor());
            })
        .compose(
            topics -> {
              topicSetup = topics;
              publisher = new JobPublisher(producer, topics);
              return topics.ensureAll(config.gpuClasses());
            })
        .compose(v -> ingestor.start())
        .compose(v -> heartbeats.start())
        .compose(
            v -> vertx.createHttpServer(serverOptions(config)).requestHandler(router()).listen())
        .onSuccess(
            s -> {
              server = s;
              republishTimer =
                  vertx.setPeriodic(config.republishInterval().toMillis(), t -> republishSoon());
              // Often enough to find a dead worker's job within a heartbeat interval of its death
              // being judged, and a silent run within a quarter of the run timeout.
              Duration reaperBeat =
                  Duration.ofMillis(
                      Math.max(
                          1000,
                          Math.min(
                              config.runTimeout().toMillis() / 4,
                              config.heartbeatInterval().toMillis())));
              var reaper =
                  new RunReaper(
                      vertx,
                      catalog,
                      ingestor,
                      heartbeats,
                      metrics,
                      clock,
                      config.runTimeout(),
                      config.workerLiveFor(),
                      this::republishSoon);
              reaperTimer =
                  Periodic.every(
                      vertx, reaperBeat, reaperBeat, "Looking for lost runs", reaper::check);
              hub.start(vertx);
              catalogGauges =
                  new CatalogGauges(vertx, catalog, metrics, config.metricsRefreshInterval());
              catalogGauges.start();
              consumerLag = new ConsumerLag(vertx, admin, metrics, config.metricsRefreshInterval());
              consumerLag.start();
              ApiListener api = config.api();
              api.warnings().forEach(w -> LOG.warn("{}", w));
              LOG.info(
                  "Coordinator ready: API on {}://{}:{} ({}), dashboard at /dashboard/,"
                      + " metrics at /metrics",
                  api.scheme(),
                  api.host(),
                  s.actualPort(),
                  api.describe());
            })
        .onFailure(err -> LOG.error("Coordinator failed to start: {}", err.toString()));
  }

  /** HTTP, or HTTPS with the PEM files, on the configured address and port. */
  static HttpServerOptions serverOptions(CoordinatorConfig config) {
    ApiListener api = config.api();
    var options = new HttpServerOptions().setHost(api.host()).setPort(config.httpPort());
    if (api.tls()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(api.tlsCertFile().toString())
                  .setKeyPath(api.tlsKeyFile().toString()));
    }
    return options;
  }

  /** Access checks first; then the dashboard's and the metrics' routes, then the sweep API. */
  private Router router() {
    Router root = Router.router(vertx);
    AccessPolicy policy = config.api().policy();
    root.route().handler(new AccessHandler(policy));
    if (policy.tokens() != null) {
      new LoginPage(policy.tokens(), config.api().tls()).mount(root);
    }
    root.get("/metrics").handler(new MetricsEndpoint(metrics.registry()));
    new Dashboard(
            vertx,
            catalog,
            hub,
            assets,
            new ReportFiles(
                reportCache, runId -> catalog.powerTrace(runId, SweepReport.POWER_POINTS)),
            clock)
        .mount(root);
    root.route("/*").subRouter(ApiRouter.create(vertx, catalog, publisher, clock));
    return root;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(republishTimer);
    vertx.cancelTimer(reaperTimer);
    if (catalogGauges != null) {
      catalogGauges.stop();
      consumerLag.stop();
    }
    hub.stop(vertx);
    return Future.join(
        server == null ? Future.succeededFuture() : server.close(),
        ingestor == null ? Future.succeededFuture() : ingestor.stop(),
        heartbeats == null ? Future.succeededFuture() : heartbeats.stop(),
        producer == null ? Future.succeededFuture() : producer.close(),
        admin == null ? Future.succeededFuture() : admin.close(),
        reportCache == null
            ? Future.succeededFuture()
            : vertx.executeBlocking(() -> deleteTree(reportCache)));
  }

  private static Void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    return null;
  }

  /** A run given up by a stopping worker sends its job out again at once. */
  private void requeueAborted(List<RunEvent> events, long atMs, long nanos) {
    if (events.stream()
        .anyMatch(e -> e instanceof RunFailed f && f.reason() == FailureReason.ABORTED)) {
      vertx.runOnContext(v -> republishSoon());
    }
  }

  /**
   * A worker's beat named its class: that class's jobs topic is made (or grown) to the configured
   * partitions now, before any sweep names the class (the topics already made cost nothing here).
   * Workers never create it: a topic the broker made on a worker's first use would have one
   * partition, for one worker at a time. A name no worker could have been started with is ignored.
   */
  private void workerClassSeen(String gpuClass) {
    if (topicSetup == null) {
      return;
    }
    try {
      Checks.name("gpuClass", gpuClass);
    } catch (IllegalArgumentException e) {
      LOG.debug("Heartbeat with no valid GPU class: {}", e.getMessage());
      return;
    }
    topicSetup
        .ensureJobTopics(List.of(gpuClass))
        .onFailure(
            err -> LOG.warn("The jobs topic of class {} not made: {}", gpuClass, err.toString()));
  }

  /** Republishes now, or right after the republishing under way: never two at once. */
  private void republishSoon() {
    if (republishing) {
      republishAgain = true;
      return;
    }
    republishing = true;
    republish()
        .onComplete(
            ar -> {
              republishing = false;
              if (ar.failed()) {
                LOG.warn("Republishing jobs failed, will try again: {}", ar.cause().toString());
              }
              if (republishAgain) {
                republishAgain = false;
                republishSoon();
              }
            });
  }

  /** Jobs stored longer than one interval ago and still not acknowledged go out again. */
  private Future<?> republish() {
    long before = clock.millis() - config.republishInterval().toMillis();
    return vertx
        .executeBlocking(() -> catalog.unpublishedJobs(before))
        .compose(
            jobs ->
                jobs.isEmpty()
                    ? Future.succeededFuture()
                    : publisher
                        .publish(jobs)
                        .compose(
                            v ->
                                vertx.executeBlocking(
                                    () -> {
                                      List<String> ids = jobs.stream().map(JobSpec::jobId).toList();
                                      catalog.markPublished(ids, clock.millis());
                                      LOG.info(
                                          "Published {} jobs again (queued again, or not acknowledged by Kafka)",
                                          ids.size());
                                      return null;
                                    })));
  }
}
