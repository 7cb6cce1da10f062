package io.wattsweep.coordinator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.coordinator.api.SweepApi;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.coordinator.kafka.JobPublisher;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.coordinator.kafka.TopicSetup;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator: creates the topics, serves the API, ingests events and republishes jobs that
 * Kafka never acknowledged. The catalog is opened by the caller and passed in.
 */
public final class CoordinatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);

  private final CoordinatorConfig config;
  private final Catalog catalog;
  private final Clock clock;
  private KafkaAdminClient admin;
  private KafkaProducer<String, byte[]> producer;
  private EventIngestor ingestor;
  private JobPublisher publisher;
  private HttpServer server;
  private long republishTimer = -1;

  public CoordinatorVerticle(CoordinatorConfig config, Catalog catalog, Clock clock) {
    this.config = config;
    this.catalog = catalog;
    this.clock = clock;
  }

  /** The port the API listens on (useful when the configured port was 0). */
  public int httpPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    // Kafka clients connect and load classes in their constructors: not on the event loop.
    return vertx.executeBlocking(() -> {
          admin = KafkaAdminClient.create(vertx,
              KafkaClientSettings.admin(config.kafkaBootstrap()));
          producer = KafkaProducer.create(vertx,
              KafkaClientSettings.producer(config.kafkaBootstrap()));
          ingestor = new EventIngestor(vertx, KafkaConsumer.create(vertx,
                  KafkaClientSettings.consumer(config.kafkaBootstrap(), EventIngestor.GROUP,
                      2000)),
              producer, catalog, clock);
          return new TopicSetup(admin, config.jobPartitions(), config.eventPartitions(),
              config.replicationFactor());
        })
        .compose(topics -> {
          publisher = new JobPublisher(producer, topics);
          return topics.ensureAll(config.gpuClasses());
        })
        .compose(v -> ingestor.start())
        .compose(v -> vertx.createHttpServer()
            .requestHandler(new SweepApi(vertx, catalog, publisher, clock).router())
            .listen(config.httpPort(), "0.0.0.0"))
        .onSuccess(s -> {
          server = s;
          republishTimer = vertx.setPeriodic(config.republishInterval().toMillis(),
              id -> republish());
          LOG.info("Coordinator ready: API on port {}", s.actualPort());
        })
        .onFailure(err -> LOG.error("Coordinator failed to start: {}", err.toString()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(republishTimer);
    return Future.join(
        server == null ? Future.succeededFuture() : server.close(),
        ingestor == null ? Future.succeededFuture() : ingestor.stop(),
        producer == null ? Future.succeededFuture() : producer.close(),
        admin == null ? Future.succeededFuture() : admin.close());
  }

  /** Jobs stored longer than one interval ago and still not acknowledged go out again. */
  private void republish() {
    long before = clock.millis() - config.republishInterval().toMillis();
    vertx.executeBlocking(() -> catalog.unpublishedJobs(before))
        .compose(jobs -> jobs.isEmpty() ? Future.succeededFuture() : publisher.publish(jobs)
            .compose(v -> vertx.executeBlocking(() -> {
              List<String> ids = jobs.stream().map(JobSpec::jobId).toList();
              catalog.markPublished(ids, clock.millis());
              LOG.info("Republished {} jobs that Kafka had not acknowledged", ids.size());
              return null;
            })))
        .onFailure(err -> LOG.warn("Republishing jobs failed, will retry: {}", err.toString()));
  }
}
