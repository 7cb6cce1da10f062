package io.wattsweep.common;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka client settings shared by the services: string keys, byte-array (JSON) values. */
public final class KafkaClientSettings {
  private KafkaClientSettings() {}

  /** Acknowledged by every in-sync replica, and idempotent: a retried send is not a duplicate. */
  public static Map<String, String> producer(String bootstrap) {
    var m = new HashMap<String, String>();
    m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    m.put(ProducerConfig.ACKS_CONFIG, "all");
    m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    m.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return m;
  }

  /** Offsets are committed by hand, once the records' work is done. */
  public static Map<String, String> consumer(String bootstrap, String group, int maxPollRecords) {
    var m = new HashMap<String, String>();
    m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    m.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    m.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return m;
  }

  public static Map<String, String> admin(String bootstrap) {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
  }
}
