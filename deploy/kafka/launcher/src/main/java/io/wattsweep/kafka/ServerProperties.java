package io.wattsweep.kafka;

import io.wattsweep.common.tls.SelfSignedTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * The server.properties of a single-node KRaft broker (broker and controller in one process).
 *
 * <p>Broker settings have no constants in kafka-clients 3.7, so their names are literals here.
 */
final class ServerProperties {
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
  static final int NODE_ID = 1;

  private ServerProperties() {}

  /**
   * The settings for a broker on {@code port} with its controller on {@code controllerPort},
   * keeping its data in {@code logDir}; {@code overrides} win over the defaults. The broker's
   * listener is named for its protocol (PLAINTEXT or SASL_SSL); the controller's is PLAINTEXT on
   * loopback either way.
   */
  static Map<String, String> of(
      int port, int controllerPort, Path logDir, String protocol, Map<String, String> overrides) {
    String host = LocalBroker.HOST;
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    // A static quorum: the controller's endpoint lives in this file only, not in the metadata
    // log, so every start may pick a new controller port on formatted storage.
    p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.put(
        "listeners",
        protocol
            + "://"
            + host
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + host
            + ":"
            + controllerPort);
    p.put("advertised.listeners", protocol + "://" + host + ":" + port);
    p.put(
        "listener.security.protocol.map",
        protocol + ":" + protocol + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", protocol);
    p.put("log.dirs", logDir.toAbsolutePath().toString());

    // One node: every internal topic has one replica, and few partitions so they appear fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "true");
    // A consumer group on a laptop should not wait 3 s for members that will never come.
    p.put("group.initial.rebalance.delay.ms", "0");

    // A local broker keeps a week of data at most, in small segments.
    p.put("log.retention.hours", "168");
    p.put("log.retention.bytes", Long.toString(1L << 30));
    p.put("log.segment.bytes", Integer.toString(64 << 20));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "1");

    p.putAll(overrides);
    return p;
  }

  /**
   * A SASL_SSL listener: TLS with the key in {@code tls}, SCRAM-SHA-512 logins. The broker talks to
   * itself over it as {@code user}.
   */
  static Map<String, String> saslSsl(SelfSignedTls tls, LocalBroker.ScramUser user) {
    String prefix = "listener.name.sasl_ssl." + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".";
    Map<String, String> p = new LinkedHashMap<>();
    p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
    p.put(
        prefix + "sasl.jaas.config",
        ScramLoginModule.class.getName()
            + " required username=\""
            + user.name()
            + "\" password=\""
            + user.password()
            + "\";");
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", tls.keystore().toString());
    p.put("ssl.keystore.password", tls.password());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", tls.truststore().toString());
    p.put("ssl.truststore.password", tls.password());
    return p;
  }

  /** Writes {@code settings} to {@code file} in java.util.Properties syntax, in their order. */
  static void write(Path file, Map<String, String> settings) {
    StringBuilder text =
        new StringBuilder(
            "# Written by wattsweep's LocalBroker at every start: edits here are overwritten.\n");
    settings.forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Properties files are ISO 8859-1: backslashes doubled, the rest of Unicode escaped. */
  private static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      if (c == '\\') {
        out.append("\\\\");
      } else if (c < 0x20 || c > 0x7e) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
