package io.wattsweep.coordinator.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewPartitions;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.TopicDescription;
import io.wattsweep.common.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the system needs, once each, with the configured partition counts. A jobs
 * topic found with fewer partitions than configured (one a client created on first use with the
 * broker's default of one, say) is grown to that count: its partitions bound how many workers of
 * the class hold jobs at once. Jobs are dealt over partitions, not keyed, so growing one moves
 * nothing. Other topics are left as found (the events are keyed by job).
 */
public final class TopicSetup {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

  private final KafkaAdminClient admin;
  private final int jobPartitions;
  private final int eventPartitions;
  private final short replication;
  private final Set<String> known = ConcurrentHashMap.newKeySet();

  public TopicSetup(
      KafkaAdminClient admin, int jobPartitions, int eventPartitions, short replication) {
    this.admin = admin;
    this.jobPartitions = jobPartitions;
    this.eventPartitions = eventPartitions;
    this.replication = replication;
  }

  /** The events, heartbeat and dead-letter topics, and the jobs topic of each class. */
  public Future<Void> ensureAll(Collection<String> gpuClasses) {
    var wanted = new ArrayList<NewTopic>();
    wanted.add(new NewTopic(Topics.EVENTS, eventPartitions, replication));
    wanted.add(new NewTopic(Topics.HEARTBEATS, 1, replication));
    wanted.add(new NewTopic(Topics.DEAD_LETTERS, 1, replication));
    gpuClasses.forEach(c -> wanted.add(new NewTopic(Topics.jobs(c), jobPartitions, replication)));
    return ensure(wanted);
  }

  /** The jobs topics of these classes (a sweep may name a class no worker has asked for yet). */
  public Future<Void> ensureJobTopics(Collection<String> gpuClasses) {
    return ensure(
        gpuClasses.stream()
            .map(c -> new NewTopic(Topics.jobs(c), jobPartitions, replication))
            .toList());
  }

  private Future<Void> ensure(List<NewTopic> wanted) {
    List<NewTopic> unknown = wanted.stream().filter(t -> !known.contains(t.getName())).toList();
    if (unknown.isEmpty()) {
      return Future.succeededFuture();
    }
    return admin
        .listTopics()
        .compose(
            existing -> {
              List<NewTopic> missing =
                  unknown.stream().filter(t -> !existing.contains(t.getName())).toList();
              Future<Void> created =
                  missing.isEmpty()
                      ? Future.succeededFuture()
                      : admin
                          .createTopics(missing)
                          .recover(
                              err ->
                                  isAlreadyExists(err)
                                      ? Future.succeededFuture()
                                      : Future.failedFuture(err));
              List<NewTopic> found =
                  unknown.stream()
                      .filter(t -> existing.contains(t.getName()))
                      .filter(t -> t.getName().startsWith(Topics.jobs("")))
                      .toList();
              return created
                  .compose(v -> found.isEmpty() ? Future.succeededFuture() : grow(found))
                  .onSuccess(
                      v -> {
                        missing.forEach(
                            t ->
                                LOG.info(
                                    "Created topic {} ({} partitions)",
                                    t.getName(),
                                    t.getNumPartitions()));
                        unknown.forEach(t -> known.add(t.getName()));
                      });
            });
  }

  /** Grows the topics that have fewer partitions than wanted; a failure is logged, not raised. */
  private Future<Void> grow(List<NewTopic> topics) {
    return admin
        .describeTopics(topics.stream().map(NewTopic::getName).toList())
        .compose(
            found -> {
              var grown = new TreeMap<String, NewPartitions>();
              for (NewTopic t : topics) {
                TopicDescription d = found.get(t.getName());
                if (d != null && d.getPartitions().size() < t.getNumPartitions()) {
                  grown.put(t.getName(), new NewPartitions().setTotalCount(t.getNumPartitions()));
                  LOG.warn(
                      "Topic {} has {} partition(s), fewer than {}: growing it (a client created it"
                          + " on first use, or it was made so)",
                      t.getName(),
                      d.getPartitions().size(),
                      t.getNumPartitions());
                }
              }
              return grown.isEmpty()
                  ? Future.<Void>succeededFuture()
                  : admin.createPartitions(grown);
            })
        .recover(
            err -> {
              LOG.warn(
                  "Could not grow the jobs topics {}: {}",
                  topics.stream().map(NewTopic::getName).toList(),
                  err.toString());
              return Future.succeededFuture();
            });
  }

  private static boolean isAlreadyExists(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.TopicExistsException) {
        return true;
      }
    }
    return false;
  }
}
