package io.wattsweep.coordinator.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.DeadLetters;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.Event;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.catalog.EventOffset;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves run events from Kafka into the catalog: poll a batch, write its events and the offsets they
 * reach in one catalog transaction off the event loop; the next batch is polled and decoded
 * meanwhile. It assigns itself every partition of the events topic (one coordinator reads them all;
 * a consumer group would make a restarted coordinator wait for its killed predecessor's session to
 * expire) and looks for added partitions every {@link #PARTITIONS_CHECK}. The catalog's offsets
 * decide where to read: each partition assigned (and every one after a failed write) is sought to
 * the catalog's offset, and a batch keeps only the records that follow it without a gap. So
 * whatever a crash takes from the catalog is read again, and no record is skipped; the catalog's
 * idempotent upserts absorb what is read twice. Kafka's committed offsets follow as a hint, for
 * monitoring. An undecodable record goes to the dead-letter topic with its reason before its offset
 * is stored. {@link Listener}s (metrics, the live dashboard) hear of each batch as soon as it is
 * written.
 */
public final class EventIngestor {
  private static final Logger LOG = LoggerFactory.getLogger(EventIngestor.class);

  /** The group the coordinator commits its offsets to, as a hint for monitoring. */
  public static final String GROUP = "wattsweep-coordinator";

  /** Records per poll: one catalog transaction each, so larger batches ingest faster. */
  public static final int MAX_POLL_RECORDS = 5000;

  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** How often the topic's partitions are listed again, to read the ones added to it. */
  static final Duration PARTITIONS_CHECK = Duration.ofSeconds(30);

  /**
   * Hears of events as they are ingested. Called on the event loop, so it must not block; a
   * listener that throws is logged and does not stop ingestion.
   */
  public interface Listener {
    /**
     * A batch of events is in the catalog (after a crash the same events may be heard again).
     *
     * @param ingestedAtMs when the catalog write finished, on the coordinator's clock
     * @param catalogWriteNanos how long the catalog's transaction took
     */
    void ingested(List<RunEvent> events, long ingestedAtMs, long catalogWriteNanos);

    /** A record could not be decoded and went to the dead-letter topic. */
    default void rejected(String reason) {}
  }

  private record Written(int applied, long nanos) {}

  /** Decoded records whose catalog write has not started, and the offsets they reach. */
  private record Batch(
      List<RunEvent> events, List<Future<?>> rejected, Map<TopicPartition, Long> offsets) {}

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> deadLetters;
  private final Catalog catalog;
  private final Clock clock;
  private final List<Listener> listeners;
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

  /** The next offset to decode of each assigned partition that is where the catalog stands. */
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();

  /** The next offset of each assigned partition whose event the catalog does not hold. */
  private final Map<TopicPartition, Long> written = new ConcurrentHashMap<>();

  private final CatchUp catchUp = new CatchUp();
  private volatile boolean running;
  private long partitionsTimer = -1;

  /** The partition listing under way, if one is. */
  private Future<Boolean> assigning;

  private volatile Future<Void> writing = Future.succeededFuture();

  public EventIngestor(
      Vertx vertx,
      KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> deadLetters,
      Catalog catalog,
      Clock clock,
      List<Listener> listeners) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.deadLetters = deadLetters;
    this.catalog = catalog;
    this.clock = clock;
    this.listeners = List.copyOf(listeners);
  }

  /** Starts reading; where the broker cannot be reached yet, it keeps trying. */
  public Future<Void> start() {
    running = true;
    partitionsTimer =
        vertx.setPeriodic(
            PARTITIONS_CHECK.toMillis(),
            t ->
                assignAll()
                    .onFailure(
                        e ->
                            LOG.warn(
                                "Listing the partitions of {} failed: {}",
                                Topics.EVENTS,
                                e.toString())));
    pollLoop(Future.succeededFuture());
    return Future.succeededFuture();
  }

  /** Stops polling, lets the batch being written finish, and closes the consumer. */
  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(partitionsTimer);
    return writing.transform(done -> consumer.close());
  }

  /**
   * Every partition of {@code topic} as the broker lists it now (none: no such topic yet). Asked of
   * the broker each time: the consumer's own metadata, which {@code partitionsFor} answers from,
   * may miss partitions added in the last five minutes.
   */
  static Future<Set<TopicPartition>> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer
        .listTopics()
        .map(
            topics ->
                topics.getOrDefault(topic, List.of()).stream()
                    .map(i -> new TopicPartition(i.getTopic(), i.getPartition()))
                    .collect(Collectors.toSet()));
  }

  /**
   * Assigns every partition of the events topic, the new ones sought to the catalog's offsets; true
   * when none was new (and the topic has some).
   */
  private synchronized Future<Boolean> assignAll() {
    if (assigning != null) {
      return assigning; // one listing at a time, so that no partition is sought twice
    }
    Future<Boolean> listing =
        partitionsOf(consumer, Topics.EVENTS)
            .compose(
                all -> {
                  Set<TopicPartition> added = new HashSet<>(all);
                  added.removeAll(assigned);
                  if (all.isEmpty() || added.isEmpty()) {
                    return Future.succeededFuture(!all.isEmpty());
                  }
                  return consumer
                      .assign(all)
                      .compose(
                          v -> {
                            assigned.addAll(added);
                            LOG.info(
                                "Reading partitions {} of {}",
                                added.stream().map(TopicPartition::getPartition).sorted().toList(),
                                Topics.EVENTS);
                            return reposition(added);
                          })
                      .map(false);
                });
    assigning = listing;
    listing.onComplete(
        done -> {
          synchronized (this) {
            assigning = null;
          }
        });
    return listing;
  }

  /**
   * Seeks the partitions to the catalog's offsets, or to the log's start where the catalog has none
   * or Kafka no longer holds them; until then their records are dropped. Tries again while the
   * partitions stay assigned and the ingestor runs.
   */
  private Future<Void> reposition(Set<TopicPartition> partitions) {
    partitions.forEach(positions::remove);
    partitions.forEach(written::remove);
    Set<TopicPartition> still =
        partitions.stream().filter(assigned::contains).collect(Collectors.toSet());
    if (still.isEmpty() || !running) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(() -> catalog.eventOffsets(Topics.EVENTS), false)
        .compose(
            stored -> consumer.beginningOffsets(still).compose(first -> seek(still, stored, first)))
        .recover(
            e -> {
              LOG.error(
                  "Finding where the catalog stands in {} failed; trying again in {}: {}",
                  still,
                  RETRY_AFTER,
                  e.toString());
              Promise<Void> again = Promise.promise();
              vertx.setTimer(RETRY_AFTER.toMillis(), t -> reposition(still).onComplete(again));
              return again.future();
            });
  }

  private Future<Void> seek(
      Set<TopicPartition> partitions, Map<Integer, Long> stored, Map<TopicPartition, Long> first) {
    List<Future<Void>> seeks = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      long start = stored.getOrDefault(tp.getPartition(), 0L);
      long kept = first.getOrDefault(tp, 0L);
      if (start < kept && stored.containsKey(tp.getPartition())) {
        LOG.warn(
            "Kafka deleted offsets {} to {} of {}-{} before the catalog stored them",
            start,
            kept - 1,
            tp.getTopic(),
            tp.getPartition());
      }
      long from = Math.max(start, kept);
      seeks.add(
          consumer
              .seek(tp, from)
              .onSuccess(
                  v -> {
                    positions.put(tp, from);
                    written.put(tp, from);
                  }));
    }
    return Future.all(seeks).mapEmpty();
  }

  /**
   * Polls and decodes the next batch while the previous one is written, then writes it once the
   * previous one is written: batches reach the catalog in order, and at most two are taken but not
   * written. After a failure every partition is read again from the catalog's offsets.
   */
  private void pollLoop(Future<Void> previous) {
    if (!running) {
      return;
    }
    if (assigned.isEmpty()) {
      // Polling with no partition assigned is an error: find them first.
      assignAll()
          .onComplete(
              found -> {
                if (found.failed() || assigned.isEmpty()) {
                  LOG.warn(
                      "No partition of {} to read yet; trying again in {}",
                      Topics.EVENTS,
                      RETRY_AFTER);
                  vertx.setTimer(RETRY_AFTER.toMillis(), t -> pollLoop(previous));
                } else {
                  pollLoop(previous);
                }
              });
      return;
    }
    consumer
        .poll(POLL)
        .onComplete(
            polled -> {
              Batch next = polled.succeeded() ? decode(polled.result()) : null;
              previous.onComplete(
                  prev -> {
                    if (!running) {
                      return;
                    }
                    if (prev.succeeded() && next != null) {
                      writing = write(next);
                      pollLoop(writing);
                      return;
                    }
                    Throwable cause = prev.failed() ? prev.cause() : polled.cause();
                    LOG.error(
                        "Ingesting events failed; reading again from the catalog's offsets in {}: {}",
                        RETRY_AFTER,
                        cause.toString());
                    vertx.setTimer(
                        RETRY_AFTER.toMillis(),
                        t ->
                            reposition(Set.copyOf(assigned))
                                .onComplete(r -> pollLoop(Future.succeededFuture())));
                  });
            });
  }

  /**
   * The records that follow where the catalog stands, decoded. A partition whose records start past
   * that (the consumer read from elsewhere: Kafka's committed offset, a fetch before the seek) is
   * sought back; records already stored, or of a partition not yet sought, are dropped.
   */
  private Batch decode(KafkaConsumerRecords<String, byte[]> records) {
    var events = new ArrayList<RunEvent>(records.size());
    var rejected = new ArrayList<Future<?>>();
    Map<TopicPartition, Long> offsets = new HashMap<>();
    Set<TopicPartition> gaps = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : records.records()) {
      var tp = new TopicPartition(r.topic(), r.partition());
      Long next = positions.get(tp);
      if (next == null || r.offset() < next || gaps.contains(tp)) {
        continue;
      }
      if (r.offset() > next) {
        gaps.add(tp);
        continue;
      }
      positions.put(tp, r.offset() + 1);
      offsets.put(tp, r.offset() + 1);
      try {
        Event e = EventCodec.decodeEvent(r.value());
        if (e instanceof RunEvent re) {
          events.add(re);
        }
      } catch (EventCodec.DecodeException bad) {
        LOG.warn(
            "Event at {}-{}@{} cannot be decoded, sent to {}: {}",
            r.topic(),
            r.partition(),
            r.offset(),
            Topics.DEAD_LETTERS,
            bad.getMessage());
        rejected.add(deadLetter(r, bad.getMessage()));
        tell(l -> l.rejected(bad.getMessage()));
      }
    }
    if (!gaps.isEmpty()) {
      LOG.info("Records of {} start past where the catalog stands; seeking back", gaps);
      reposition(gaps);
    }
    return new Batch(events, rejected, offsets);
  }

  /**
   * Writes the batch and the offsets it reaches in one transaction off the event loop, once its
   * rejected records are in the dead-letter topic; then commits the offsets to Kafka as a hint.
   */
  private Future<Void> write(Batch batch) {
    if (batch.offsets().isEmpty()) {
      return Future.succeededFuture();
    }
    List<RunEvent> events = batch.events();
    List<EventOffset> offsets =
        batch.offsets().entrySet().stream()
            .map(
                e ->
                    new EventOffset(e.getKey().getTopic(), e.getKey().getPartition(), e.getValue()))
            .toList();
    Future<Written> done =
        Future.all(batch.rejected())
            .compose(
                v ->
                    vertx.executeBlocking(
                        () -> {
                          long start = System.nanoTime();
                          int applied = catalog.ingest(events, offsets, clock.millis());
                          return new Written(applied, System.nanoTime() - start);
                        },
                        true));
    return done.onSuccess(
            w -> {
              written.putAll(batch.offsets());
              if (!events.isEmpty()) {
                long now = clock.millis();
                tell(l -> l.ingested(events, now, w.nanos()));
              }
              LOG.debug("Ingested {} events ({} new)", events.size(), w.applied());
              Map<TopicPartition, OffsetAndMetadata> hint = new HashMap<>();
              batch.offsets().forEach((tp, next) -> hint.put(tp, new OffsetAndMetadata(next, "")));
              consumer
                  .commit(hint)
                  .onFailure(
                      e ->
                          LOG.warn(
                              "Committing offsets to Kafka (a hint for monitoring) failed: {}",
                              e.toString()));
            })
        .mapEmpty();
  }

  /**
   * Whether the catalog holds every event of the topic up to where the previous call found its end,
   * in every partition the topic has now: only then may silence in the catalog be taken for silence
   * in the log. Never fails: a broker that cannot be reached makes it false.
   */
  public Future<Boolean> caughtUp() {
    return assignAll()
        .compose(
            complete -> {
              if (!complete) {
                catchUp.unknown();
                return Future.succeededFuture(false);
              }
              return consumer
                  .endOffsets(Set.copyOf(assigned))
                  .map(ends -> catchUp.check(ends, written));
            })
        .otherwise(
            e -> {
              catchUp.unknown();
              LOG.warn(
                  "Cannot tell whether the catalog is caught up on {}: {}",
                  Topics.EVENTS,
                  e.toString());
              return false;
            });
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
    return deadLetters.send(DeadLetters.of(r, reason));
  }
}
