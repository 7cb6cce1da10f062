package io.wattsweep.coordinator.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.ListOffsetsResultInfo;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.admin.TopicDescription;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.wattsweep.common.Topics;
import io.wattsweep.coordinator.Periodic;
import io.wattsweep.coordinator.kafka.EventIngestor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refreshes {@code wattsweep_kafka_consumer_lag_records} every interval: for the coordinator's
 * group on the events topic and for each GPU class's worker group on its jobs topic, the sum over
 * partitions of the end offset minus the committed offset (the earliest offset where the group has
 * committed nothing yet, so a class without any worker shows its whole queue). Uses the
 * asynchronous admin client: nothing here blocks the event loop.
 */
public final class ConsumerLag {

  /** A consumer group and the topic whose lag it is measured on. */
  record Pair(String group, String topic) {}

  private final Vertx vertx;
  private final KafkaAdminClient admin;
  private final CoordinatorMetrics metrics;
  private final Duration interval;
  private Set<Pair> known = Set.of();
  private long timer = -1;

  public ConsumerLag(
      Vertx vertx, KafkaAdminClient admin, CoordinatorMetrics metrics, Duration interval) {
    this.vertx = vertx;
    this.admin = admin;
    this.metrics = metrics;
    this.interval = interval;
  }

  public void start() {
    timer =
        Periodic.every(vertx, Duration.ZERO, interval, "Refreshing consumer lag", this::refresh);
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  Future<Void> refresh() {
    return admin
        .listTopics()
        .compose(
            topics -> {
              List<Pair> pairs = pairs(topics);
              List<String> names = pairs.stream().map(Pair::topic).distinct().toList();
              return admin
                  .describeTopics(names)
                  .compose(
                      described -> {
                        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
                        for (TopicDescription d : described.values()) {
                          d.getPartitions()
                              .forEach(
                                  p -> {
                                    var tp = new TopicPartition(d.getName(), p.getPartition());
                                    latest.put(tp, OffsetSpec.LATEST);
                                    earliest.put(tp, OffsetSpec.EARLIEST);
                                  });
                        }
                        Future<Map<TopicPartition, ListOffsetsResultInfo>> ends =
                            admin.listOffsets(latest);
                        Future<Map<TopicPartition, ListOffsetsResultInfo>> starts =
                            admin.listOffsets(earliest);
                        return Future.all(ends, starts)
                            .compose(v -> groups(pairs, ends.result(), starts.result()));
                      });
            });
  }

  /** The coordinator's group, and one worker group per jobs topic that exists. */
  private static List<Pair> pairs(Set<String> topics) {
    var out = new ArrayList<Pair>();
    if (topics.contains(Topics.EVENTS)) {
      out.add(new Pair(EventIngestor.GROUP, Topics.EVENTS));
    }
    String prefix = Topics.jobs("");
    topics.stream()
        .filter(t -> t.startsWith(prefix))
        .sorted()
        .forEach(t -> out.add(new Pair(Topics.workerGroup(t.substring(prefix.length())), t)));
    return out;
  }

  private Future<Void> groups(
      List<Pair> pairs,
      Map<TopicPartition, ListOffsetsResultInfo> ends,
      Map<TopicPartition, ListOffsetsResultInfo> starts) {
    var measured = new ArrayList<Future<?>>();
    var seen = new HashSet<Pair>();
    for (Pair pair : pairs) {
      measured.add(
          admin
              .listConsumerGroupOffsets(pair.group())
              .onSuccess(
                  committed -> {
                    metrics.consumerLag(
                        pair.group(), pair.topic(), lag(pair.topic(), ends, starts, committed));
                    synchronized (seen) {
                      seen.add(pair);
                    }
                  }));
    }
    return Future.join(measured)
        .transform(
            ar -> {
              for (Pair gone : known) {
                if (!seen.contains(gone)) {
                  metrics.forgetConsumerLag(gone.group(), gone.topic());
                }
              }
              known = Set.copyOf(seen);
              return ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause());
            });
  }

  static long lag(
      String topic,
      Map<TopicPartition, ListOffsetsResultInfo> ends,
      Map<TopicPartition, ListOffsetsResultInfo> starts,
      Map<TopicPartition, OffsetAndMetadata> committed) {
    long lag = 0;
    for (var end : ends.entrySet()) {
      if (!end.getKey().getTopic().equals(topic)) {
        continue;
      }
      ListOffsetsResultInfo start = starts.get(end.getKey());
      long from = start == null ? 0 : start.getOffset();
      OffsetAndMetadata c = committed.get(end.getKey());
      if (c != null) {
        from = Math.max(from, c.getOffset());
      }
      lag += Math.max(0, end.getValue().getOffset() - from);
    }
    return lag;
  }
}
