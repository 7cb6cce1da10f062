package io.wattsweep.common;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client settings shared by the services: string keys, byte-array (JSON) values, and the
 * connection's {@link KafkaSecurity} (TLS, SASL), applied here for every client.
 */
public final class KafkaClientSettings {
  private KafkaClientSettings() {}

  /** Acknowledged by every in-sync replica, and idempotent: a retried send is not a duplicate. */
  public static Map<String, String> producer(String bootstrap, KafkaSecurity security) {
    var m = connection(bootstrap, security);
    m.put(ProducerConfig.ACKS_CONFIG, "all");
    m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    m.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return m;
  }

  /** Offsets are committed by hand, once the records' work is done. */
  public static Map<String, String> consumer(
      String bootstrap, KafkaSecurity security, String group, int maxPollRecords) {
    var m = connection(bootstrap, security);
    m.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    m.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return m;
  }

  public static Map<String, String> admin(String bootstrap, KafkaSecurity security) {
    return connection(bootstrap, security);
  }

  /** Where the brokers are and how to reach them: what every client has in common. */
  private static Map<String, String> connection(String bootstrap, KafkaSecurity security) {
    var m = new HashMap<String, String>();
    m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    m.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, security.protocol());
    if (security.sasl()) {
      m.put(SaslConfigs.SASL_MECHANISM, security.saslMechanism());
      m.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(security));
    }
    if (security.truststoreFile() != null) {
      m.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, security.truststoreFile().toString());
      m.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, security.truststoreType());
      if (security.truststorePassword() != null) {
        m.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, security.truststorePassword());
      }
    }
    if (security.keystoreFile() != null) {
      m.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, security.keystoreFile().toString());
      m.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, security.keystoreType());
      if (security.keystorePassword() != null) {
        // Kafka refuses a store password for PEM: there it is the key's.
        m.put(
            "PEM".equals(security.keystoreType())
                ? SslConfigs.SSL_KEY_PASSWORD_CONFIG
                : SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG,
            security.keystorePassword());
      }
    }
    return m;
  }

  /** The mechanism's login module line; quotes and backslashes escaped, as JAAS reads them. */
  static String jaas(KafkaSecurity security) {
    String module =
        "PLAIN".equals(security.saslMechanism())
            ? PlainLoginModule.class.getName()
            : ScramLoginModule.class.getName();
    return module
        + " required username=\""
        + quoted(security.saslUsername())
        + "\" password=\""
        + quoted(security.saslPassword())
        + "\";";
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
