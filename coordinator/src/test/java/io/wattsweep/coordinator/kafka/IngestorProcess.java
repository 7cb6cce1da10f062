package io.wattsweep.coordinator.kafka;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.coordinator.catalog.Catalog;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * A coordinator's ingestion alone, in a process of its own, for tests that kill it: arguments are
 * the broker's bootstrap servers, the catalog's JDBC URL and its user. Runs until killed.
 */
final class IngestorProcess {
  private IngestorProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    Catalog catalog = Catalog.open(args[1], args[2], "");
    var settings =
        KafkaClientSettings.consumer(
            args[0], KafkaSecurity.PLAINTEXT, EventIngestor.GROUP, EventIngestor.MAX_POLL_RECORDS);
    // A restarted process gets its partitions without waiting 45 s for the killed one's session.
    settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    new EventIngestor(
            vertx,
            KafkaConsumer.create(vertx, settings),
            KafkaProducer.create(
                vertx, KafkaClientSettings.producer(args[0], KafkaSecurity.PLAINTEXT)),
            catalog,
            Clock.systemUTC(),
            List.of())
        .start()
        .await();
    System.out.println("ingesting");
    Thread.currentThread().join();
  }
}
