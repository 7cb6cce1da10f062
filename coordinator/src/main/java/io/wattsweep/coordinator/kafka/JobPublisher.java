package io.wattsweep.coordinator.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.spec.JobSpec;
import java.util.List;

/** Publishes jobs to the jobs topic of their GPU class, keyed by job id. */
public final class JobPublisher {
  private final KafkaProducer<String, byte[]> producer;
  private final TopicSetup topics;

  public JobPublisher(KafkaProducer<String, byte[]> producer, TopicSetup topics) {
    this.producer = producer;
    this.topics = topics;
  }

  /** Succeeds once Kafka has acknowledged every job. */
  public Future<Void> publish(List<JobSpec> jobs) {
    var classes = jobs.stream().map(JobSpec::gpuClass).distinct().toList();
    return topics
        .ensureJobTopics(classes)
        .compose(
            v ->
                Future.all(
                    jobs.stream()
                        .map(
                            j ->
                                producer.send(
                                    KafkaProducerRecord.create(
                                        Topics.jobs(j.gpuClass()),
                                        j.jobId(),
                                        EventCodec.encodeJob(j))))
                        .toList()))
        .mapEmpty();
  }
}
