package io.wattsweep.coordinator.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.spec.JobSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Publishes jobs to the jobs topic of their GPU class, keyed by job id and dealt over the topic's
 * partitions in turn. Each free worker owns some of those partitions: dealt, a sweep's jobs give
 * every partition its share, so that every free worker finds a job at once. Hashed by id, as Kafka
 * places keyed records, a sweep's jobs fall unevenly (12 on 4 partitions can leave one with none),
 * and the workers of the lighter partitions wait for a rebalance to reach the others' jobs.
 */
public final class JobPublisher {
  private final KafkaProducer<String, byte[]> producer;
  private final TopicSetup topics;

  /** Where the next job of each topic goes, so that one publish goes on from the last one. */
  private final Map<String, AtomicInteger> next = new ConcurrentHashMap<>();

  public JobPublisher(KafkaProducer<String, byte[]> producer, TopicSetup topics) {
    this.producer = producer;
    this.topics = topics;
  }

  /** Succeeds once Kafka has acknowledged every job. */
  public Future<Void> publish(List<JobSpec> jobs) {
    Map<String, List<JobSpec>> byClass =
        jobs.stream()
            .collect(
                Collectors.groupingBy(JobSpec::gpuClass, LinkedHashMap::new, Collectors.toList()));
    return topics
        .ensureJobTopics(List.copyOf(byClass.keySet()))
        .compose(
            v ->
                Future.all(
                    byClass.entrySet().stream()
                        .map(e -> send(Topics.jobs(e.getKey()), e.getValue()))
                        .toList()))
        .mapEmpty();
  }

  private Future<Void> send(String topic, List<JobSpec> jobs) {
    return producer
        .partitionsFor(topic)
        .compose(
            partitions ->
                Future.all(
                    jobs.stream()
                        .map(
                            job ->
                                producer.send(
                                    KafkaProducerRecord.create(
                                        topic,
                                        job.jobId(),
                                        EventCodec.encodeJob(job),
                                        partition(topic, partitions.size()))))
                        .toList()))
        .mapEmpty();
  }

  /** The next partition of {@code topic} in turn; null (Kafka's choice) if none is known yet. */
  Integer partition(String topic, int partitions) {
    if (partitions < 1) {
      return null;
    }
    int turn = next.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement();
    return Math.floorMod(turn, partitions);
  }
}
