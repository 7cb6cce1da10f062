package io.wattsweep.coordinator.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.Topics;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.coordinator.TestBrokers;
import io.wattsweep.kafka.LocalBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class JobPublisherTest {

  @Test
  void jobsAreDealtOverTheirTopicsPartitionsAndEachPublishGoesOnFromTheLast() throws Exception {
    Path dir = Files.createTempDirectory("publisher");
    Vertx vertx = Vertx.vertx();
    try (LocalBroker broker = TestBrokers.start(dir);
        AutoCloseable closeVertxFirst = () -> vertx.close().await()) {
      var settings =
          KafkaClientSettings.producer(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT);
      var topics =
          new TopicSetup(
              KafkaAdminClient.create(
                  vertx,
                  KafkaClientSettings.admin(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT)),
              4,
              1,
              (short) 1);
      var publisher =
          new JobPublisher(KafkaProducer.<String, byte[]>create(vertx, settings), topics);

      publisher.publish(jobs("sw-1", 6, "cpu")).await();
      assertEquals(List.of(2L, 2L, 1L, 1L), perPartition(broker, "cpu"));

      publisher.publish(jobs("sw-2", 6, "cpu")).await();
      publisher.publish(jobs("sw-3", 1, "a100")).await();
      assertEquals(List.of(3L, 3L, 3L, 3L), perPartition(broker, "cpu"), "12 jobs, 3 each");
      assertEquals(List.of(1L, 0L, 0L, 0L), perPartition(broker, "a100"), "a class of its own");
    }
  }

  @Test
  void aTopicWhosePartitionsAreNotKnownLeavesThePartitionToKafka() {
    var publisher = new JobPublisher(null, null);
    assertEquals(null, publisher.partition("t", 0));
    assertEquals(
        List.of(0, 1, 2, 0),
        IntStream.range(0, 4).map(i -> publisher.partition("t", 3)).boxed().toList());
  }

  private static List<JobSpec> jobs(String sweepId, int count, String gpuClass) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                new JobSpec(
                    sweepId + "-job-" + i,
                    sweepId,
                    "3dgan",
                    0.25,
                    gpuClass,
                    Precision.FP32,
                    4,
                    1,
                    1,
                    2,
                    new FullTraining(1000, 1),
                    null,
                    null,
                    null))
        .toList();
  }

  /** How many records each partition of the class's jobs topic holds, partition 0 first. */
  private static List<Long> perPartition(LocalBroker broker, String gpuClass) {
    var props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
      String topic = Topics.jobs(gpuClass);
      var partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      Map<Integer, Long> ends = new TreeMap<>();
      consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp.partition(), end));
      return List.copyOf(ends.values());
    }
  }
}
