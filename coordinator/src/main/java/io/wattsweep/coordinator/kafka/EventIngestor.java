package io.wattsweep.coordinator.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.Event;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.coordinator.catalog.Catalog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves run events from Kafka into the catalog: poll a batch, write it in one transaction off the
 * event loop, then commit the offsets; the next batch is polled and decoded meanwhile. Offsets
 * are committed only for events the catalog holds durably: at once on PostgreSQL, after the next
 * {@link Catalog#persist} (every {@link #PERSIST_EVERY}) on H2. A crash before the commit
 * redelivers the batch, which the catalog's idempotent upserts absorb.
 * An undecodable record goes to the dead-letter topic with its reason. {@link Listener}s
 * (metrics, the live dashboard) hear of each batch as soon as it is written.
 */
public final class EventIngestor {
  private static final Logger LOG = LoggerFactory.getLogger(EventIngestor.class);
  /** The coordinator's consumer group on the events topic. */
  public static final String GROUP = "wattsweep-coordinator";
  /** Records per poll: one catalog transaction each, so larger batches ingest faster. */
  public static final int MAX_POLL_RECORDS = 5000;

  private static final Duration POLL = Duration.ofMillis(200);
  /**
   * How often a catalog whose commits are not durable at once (H2) is put on disk and the
   * offsets of what it holds committed: after a crash, up to this much is read again.
   */
  static final Duration PERSIST_EVERY = Duration.ofMillis(500);

  /**
   * Hears of events as they are ingested. Called on the event loop, so it must not block; a
   * listener that throws is logged and does not stop ingestion.
   */
  public interface Listener {
    /**
     * A batch of events is in the catalog (its offsets are not committed yet, so after a crash
     * the same events may be heard again).
     *
     * @param ingestedAtMs when the catalog write finished, on the coordinator's clock
     * @param catalogWriteNanos how long the catalog's transaction took
     */
    void ingested(List<RunEvent> events, long ingestedAtMs, long catalogWriteNanos);

    /** A record could not be decoded and went to the dead-letter topic. */
    default void rejected(String reason) {}
  }

  private record Written(int applied, long nanos) {}

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> deadLetters;
  private final Catalog catalog;
  private final Clock clock;
  private final List<Listener> listeners;
  private final UnpersistedOffsets unpersisted = new UnpersistedOffsets();
  private volatile boolean running;
  private volatile boolean caughtUp;
  private long persistTimer = -1;

  public EventIngestor(Vertx vertx, KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> deadLetters, Catalog catalog, Clock clock) {
    this(vertx, consumer, deadLetters, catalog, clock, List.of());
  }

  public EventIngestor(Vertx vertx, KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> deadLetters, Catalog catalog, Clock clock,
      List<Listener> listeners) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.deadLetters = deadLetters;
    this.catalog = catalog;
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
  }

  public Future<Void> start() {
    return consumer.subscribe(Topics.EVENTS).onSuccess(v -> {
      running = true;
      if (!catalog.commitsAreDurable()) {
        persistTimer = vertx.setPeriodic(PERSIST_EVERY.toMillis(), t -> persistAndCommit());
      }
      pollLoop(InFlight.NONE);
    });
  }

  /** Stops polling, commits the offsets of what the catalog holds, and closes the consumer. */
  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(persistTimer);
    return unpersisted.flushed().transform(done -> persistAndCommit())
        .transform(done -> consumer.close());
  }

  /**
   * Puts the catalog on disk, then commits the offsets of the batches written before: only what
   * survives a crash of this process is marked read. One at a time; failed offsets wait for
   * the next round.
   */
  private Future<Void> persistAndCommit() {
    Promise<Void> flush = Promise.promise();
    var taken = unpersisted.take(flush);
    if (taken == null) {
      return unpersisted.flushed();
    }
    vertx.<Void>executeBlocking(() -> {
      catalog.persist();
      return null;
    }, true).compose(v -> consumer.commit(taken)).onFailure(e -> {
      LOG.warn("Committing the offsets of persisted events failed; retrying: {}", e.toString());
      unpersisted.giveBack(taken);
    }).<Void>mapEmpty().onComplete(flush);
    return flush.future();
  }

  /** Decoded records whose catalog write has not started. */
  private record Batch(List<RunEvent> events, List<Future<?>> rejected,
      Map<TopicPartition, OffsetAndMetadata> offsets, Map<TopicPartition, Long> firstOffsets,
      boolean full) {}

  /** A batch being written and committed, and where to go back to if that fails. */
  private record InFlight(Future<Void> done, Map<TopicPartition, Long> firstOffsets) {
    static final InFlight NONE = new InFlight(Future.succeededFuture(), Map.of());
  }

  /**
   * Polls and decodes the next batch while the previous one is written, then writes it once the
   * previous one is written and committed: batches reach the catalog and Kafka in order, and at
   * most two are taken but uncommitted.
   */
  private void pollLoop(InFlight previous) {
    if (!running) {
      return;
    }
    consumer.poll(POLL).onComplete(polled -> {
      Batch next = polled.succeeded() ? decode(polled.result()) : null;
      previous.done().onComplete(prev -> {
        if (!running) {
          return;
        }
        if (prev.succeeded() && next != null) {
          pollLoop(new InFlight(write(next), next.firstOffsets()));
          return;
        }
        Throwable cause = prev.failed() ? prev.cause() : polled.cause();
        LOG.error("Ingesting events failed; retrying after a pause: {}", cause.toString());
        Map<TopicPartition, Long> back = new HashMap<>();
        if (prev.failed()) {
          back.putAll(previous.firstOffsets());
          if (next != null) {
            next.firstOffsets().forEach((tp, offset) -> back.merge(tp, offset, Math::min));
          }
        }
        rewind(back).onComplete(r -> vertx.setTimer(1000, t -> pollLoop(InFlight.NONE)));
      });
    });
  }

  private Batch decode(KafkaConsumerRecords<String, byte[]> records) {
    var events = new ArrayList<RunEvent>(records.size());
    var rejected = new ArrayList<Future<?>>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, Long> firstOffsets = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records.records()) {
      var tp = new TopicPartition(r.topic(), r.partition());
      offsets.put(tp, new OffsetAndMetadata(r.offset() + 1, ""));
      firstOffsets.merge(tp, r.offset(), Math::min);
      try {
        Event e = EventCodec.decodeEvent(r.value());
        if (e instanceof RunEvent re) {
          events.add(re);
        }
      } catch (EventCodec.DecodeException bad) {
        LOG.warn("Event at {}-{}@{} cannot be decoded, sent to {}: {}", r.topic(), r.partition(),
            r.offset(), Topics.DEAD_LETTERS, bad.getMessage());
        rejected.add(deadLetter(r, bad.getMessage()));
        tell(l -> l.rejected(bad.getMessage()));
      }
    }
    return new Batch(events, rejected, offsets, firstOffsets,
        records.size() >= MAX_POLL_RECORDS);
  }

  /** Writes the batch in one transaction off the event loop, then commits its offsets. */
  private Future<Void> write(Batch batch) {
    if (batch.offsets().isEmpty()) {
      caughtUp = true;
      return Future.succeededFuture();
    }
    List<RunEvent> events = batch.events();
    Future<Written> written = vertx.executeBlocking(() -> {
      long start = System.nanoTime();
      int applied = catalog.ingest(events, clock.millis());
      return new Written(applied, System.nanoTime() - start);
    }, true);
    written.onSuccess(w -> {
      caughtUp = !batch.full();
      if (!events.isEmpty()) {
        long now = clock.millis();
        tell(l -> l.ingested(events, now, w.nanos()));
      }
    });
    return Future.all(written, Future.all(batch.rejected()))
        .compose(v -> {
          if (catalog.commitsAreDurable()) {
            return consumer.commit(batch.offsets());
          }
          unpersisted.add(batch.offsets());
          return Future.succeededFuture();
        })
        .onSuccess(v -> LOG.debug("Ingested {} events ({} new)", events.size(),
            written.result().applied()))
        .mapEmpty();
  }

  /**
   * The consumer has moved past batches that were not written: go back to their first records,
   * so the next poll takes them again rather than committing past them.
   */
  private Future<Void> rewind(Map<TopicPartition, Long> firstOffsets) {
    return Future.all(firstOffsets.entrySet().stream()
        .map(e -> consumer.seek(e.getKey(), e.getValue())).toList()).mapEmpty();
  }

  /**
   * True when the last batch written was less than a full poll: the catalog is close to current.
   */
  public boolean caughtUp() {
    return caughtUp;
  }

  private void tell(Consumer<Listener> call) {
    for (Listener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("Event listener {} failed: {}", l.getClass().getSimpleName(), e.toString());
      }
    }
  }

  private Future<?> deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
    var record = KafkaProducerRecord.create(Topics.DEAD_LETTERS, r.key(), r.value());
    record.addHeader(Topics.REASON_HEADER, reason);
    record.addHeader("wattsweep-source",
        r.topic() + "-" + r.partition() + "@" + r.offset());
    return deadLetters.send(record);
  }
}
