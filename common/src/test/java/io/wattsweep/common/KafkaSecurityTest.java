package io.wattsweep.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecurityTest {
  private static final String PASSWORD = "pa\"ss\\word 1";

  @TempDir Path dir;

  @Test
  void withoutSettingsClientsUsePlaintext() {
    assertEquals(KafkaSecurity.PLAINTEXT, KafkaSecurity.fromEnv(new Env(Map.of())));
    Map<String, String> producer = KafkaClientSettings.producer("k:9092", KafkaSecurity.PLAINTEXT);
    assertEquals("PLAINTEXT", producer.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
    assertFalse(producer.containsKey(SaslConfigs.SASL_JAAS_CONFIG));
  }

  @Test
  void saslSslReachesEveryClientAndPasswordsStayOutOfTheLog() throws IOException {
    Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
    Path truststore = Files.writeString(dir.resolve("ca.p12"), "not read here");
    var security =
        KafkaSecurity.fromEnv(
            new Env(
                Map.of(
                    "WATTSWEEP_KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                    "WATTSWEEP_KAFKA_SASL_USERNAME", "coordinator",
                    "WATTSWEEP_KAFKA_SASL_PASSWORD_FILE", passwordFile.toString(),
                    "WATTSWEEP_KAFKA_TRUSTSTORE_FILE", truststore.toString(),
                    "WATTSWEEP_KAFKA_TRUSTSTORE_PASSWORD", "store-secret")));

    for (Map<String, String> client :
        new Map[] {
          KafkaClientSettings.producer("k:9093", security),
          KafkaClientSettings.consumer("k:9093", security, "g", 1),
          KafkaClientSettings.admin("k:9093", security)
        }) {
      assertEquals("SASL_SSL", client.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
      assertEquals("SCRAM-SHA-512", client.get(SaslConfigs.SASL_MECHANISM));
      assertEquals(truststore.toString(), client.get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG));
      assertEquals("PKCS12", client.get(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG));
      assertEquals("store-secret", client.get(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG));
      // Kafka's own JAAS parser reads back the password, quotes and backslashes included.
      var options =
          JaasContext.loadClientContext(
                  Map.of(
                      SaslConfigs.SASL_JAAS_CONFIG,
                      new Password(client.get(SaslConfigs.SASL_JAAS_CONFIG))))
              .configurationEntries()
              .get(0)
              .getOptions();
      assertEquals("coordinator", options.get("username"));
      assertEquals(PASSWORD, options.get("password"));
    }
    assertFalse(security.toString().contains("pa\"ss"), security.toString());
    assertFalse(security.toString().contains("store-secret"), security.toString());
    assertTrue(security.toString().contains("saslUsername=coordinator"), security.toString());
  }

  @Test
  void badSettingsAreRefusedNamingTheVariable() throws IOException {
    Path keystore = Files.writeString(dir.resolve("client.p12"), "x");
    assertRefused(
        "WATTSWEEP_KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL,"
            + " SASL_PLAINTEXT, SASL_SSL: 'TLS'",
        Map.of("WATTSWEEP_KAFKA_SECURITY_PROTOCOL", "tls"));
    assertRefused(
        "WATTSWEEP_KAFKA_SASL_USERNAME must be set when"
            + " WATTSWEEP_KAFKA_SECURITY_PROTOCOL is SASL_SSL",
        Map.of("WATTSWEEP_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
    assertRefused(
        "WATTSWEEP_KAFKA_SASL_MECHANISM must be one of SCRAM-SHA-512, SCRAM-SHA-256,"
            + " PLAIN: 'GSSAPI'",
        Map.of(
            "WATTSWEEP_KAFKA_SECURITY_PROTOCOL",
            "SASL_SSL",
            "WATTSWEEP_KAFKA_SASL_MECHANISM",
            "GSSAPI"));
    assertRefused(
        "WATTSWEEP_KAFKA_SASL_USERNAME is set but"
            + " WATTSWEEP_KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use it",
        Map.of("WATTSWEEP_KAFKA_SASL_USERNAME", "alice"));
    assertRefused(
        "set WATTSWEEP_KAFKA_SASL_PASSWORD or WATTSWEEP_KAFKA_SASL_PASSWORD_FILE," + " not both",
        Map.of(
            "WATTSWEEP_KAFKA_SASL_PASSWORD",
            "a",
            "WATTSWEEP_KAFKA_SASL_PASSWORD_FILE",
            keystore.toString()));
    assertRefused(
        "WATTSWEEP_KAFKA_TRUSTSTORE_FILE is not a readable file: '/no/such.p12'",
        Map.of(
            "WATTSWEEP_KAFKA_SECURITY_PROTOCOL",
            "SSL",
            "WATTSWEEP_KAFKA_TRUSTSTORE_FILE",
            "/no/such.p12"));
    assertRefused(
        "WATTSWEEP_KAFKA_KEYSTORE_PASSWORD must be set for the PKCS12 file",
        Map.of(
            "WATTSWEEP_KAFKA_SECURITY_PROTOCOL",
            "SSL",
            "WATTSWEEP_KAFKA_KEYSTORE_FILE",
            keystore.toString()));
  }

  private static void assertRefused(String message, Map<String, String> env) {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> KafkaSecurity.fromEnv(new Env(new HashMap<>(env))));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }
}
