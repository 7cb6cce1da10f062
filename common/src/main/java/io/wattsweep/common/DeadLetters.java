package io.wattsweep.common;

import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What a consumer sends to {@link Topics#DEAD_LETTERS} in place of a record it cannot decode. */
public final class DeadLetters {
  private DeadLetters() {}

  /** {@code bad}'s key and value unchanged, with why and where it came from in its headers. */
  public static KafkaProducerRecord<String, byte[]> of(
      ConsumerRecord<String, byte[]> bad, String reason) {
    var record = KafkaProducerRecord.create(Topics.DEAD_LETTERS, bad.key(), bad.value());
    record.addHeader(Topics.REASON_HEADER, reason);
    record.addHeader(
        Topics.SOURCE_HEADER, bad.topic() + "-" + bad.partition() + "@" + bad.offset());
    return record;
  }
}
