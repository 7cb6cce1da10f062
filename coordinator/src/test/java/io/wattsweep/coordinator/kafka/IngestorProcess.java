package io.wattsweep.coordinator.kafka;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.coordinator.catalog.Catalog;
import java.time.Clock;

/**
 * A coordinator's ingestion alone, in a process of its own, for tests that kill it: arguments
 * are the broker's bootstrap servers and the catalog's JDBC URL (user "sa"). Runs until killed.
 */
final class IngestorProcess {
  private IngestorProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    Catalog catalog = Catalog.open(args[1], "sa", "");
    new EventIngestor(vertx,
        KafkaConsumer.create(vertx, KafkaClientSettings.consumer(args[0], EventIngestor.GROUP,
            EventIngestor.MAX_POLL_RECORDS)),
        KafkaProducer.create(vertx, KafkaClientSettings.producer(args[0])), catalog,
        Clock.systemUTC()).start().await();
    System.out.println("ingesting");
    Thread.currentThread().join();
  }
}
