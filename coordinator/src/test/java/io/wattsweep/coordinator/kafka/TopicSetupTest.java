package io.wattsweep.coordinator.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.wattsweep.common.KafkaClientSettings;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.Topics;
import io.wattsweep.coordinator.TestBrokers;
import io.wattsweep.kafka.LocalBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicSetupTest {

  @Test
  void aJobsTopicWithTooFewPartitionsIsGrownAndOtherTopicsAreLeftAsFound() throws Exception {
    Path dir = Files.createTempDirectory("topics");
    Vertx vertx = Vertx.vertx();
    try (LocalBroker broker = TestBrokers.start(dir);
        AutoCloseable closeVertxFirst = () -> vertx.close().await()) {
      var admin =
          KafkaAdminClient.create(
              vertx, KafkaClientSettings.admin(broker.bootstrapServers(), KafkaSecurity.PLAINTEXT));
      // What the broker makes on a client's first use of a name: one partition.
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.jobs("a100"), 1, (short) 1),
                  new NewTopic(Topics.EVENTS, 1, (short) 1)))
          .await();

      new TopicSetup(admin, 4, 3, (short) 1).ensureAll(List.of("cpu", "a100")).await();

      // The controller has accepted the growth; the broker's metadata follows a moment later.
      assertEquals(4, partitionsOnceSettled(admin, Topics.jobs("a100"), 4), "grown");
      assertEquals(4, partitions(admin, Topics.jobs("cpu")), "made");
      assertEquals(1, partitions(admin, Topics.EVENTS), "events are keyed by job: left as found");
    }
  }

  /** The topic's partitions once they are {@code expected}, or after 10 s of asking. */
  private static int partitionsOnceSettled(KafkaAdminClient admin, String topic, int expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int seen = partitions(admin, topic);
    while (seen != expected && System.nanoTime() < deadline) {
      Thread.sleep(100); // the broker's metadata: nothing to wait on but time
      seen = partitions(admin, topic);
    }
    return seen;
  }

  private static int partitions(KafkaAdminClient admin, String topic) {
    return admin.describeTopics(List.of(topic)).await().get(topic).getPartitions().size();
  }
}
