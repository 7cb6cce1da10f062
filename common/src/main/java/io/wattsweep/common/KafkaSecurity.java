package io.wattsweep.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the services (coordinator and workers) authenticate to Kafka and encrypt their connections;
 * {@link KafkaClientSettings} applies it to every client. Passwords never appear in {@link
 * #toString()}, which the start-up logs print; each may come from a file instead (the variable name
 * with {@code _FILE} appended), as a mounted Kubernetes secret gives it.
 *
 * @param protocol WATTSWEEP_KAFKA_SECURITY_PROTOCOL: PLAINTEXT (the default), SSL, SASL_PLAINTEXT
 *     or SASL_SSL
 * @param saslMechanism WATTSWEEP_KAFKA_SASL_MECHANISM: SCRAM-SHA-512 (the default with SASL),
 *     SCRAM-SHA-256 or PLAIN; null without SASL
 * @param saslUsername WATTSWEEP_KAFKA_SASL_USERNAME: required with SASL
 * @param saslPassword WATTSWEEP_KAFKA_SASL_PASSWORD (or _FILE): required with SASL
 * @param truststoreFile WATTSWEEP_KAFKA_TRUSTSTORE_FILE: the CAs that sign the brokers'
 *     certificates (SSL, SASL_SSL); unset means the JVM's default CAs
 * @param truststoreType WATTSWEEP_KAFKA_TRUSTSTORE_TYPE: PKCS12, JKS or PEM; by default PEM for a
 *     {@code .pem} or {@code .crt} file, JKS for {@code .jks}, else PKCS12
 * @param truststorePassword WATTSWEEP_KAFKA_TRUSTSTORE_PASSWORD (or _FILE): checks the store's
 *     integrity; none for PEM
 * @param keystoreFile WATTSWEEP_KAFKA_KEYSTORE_FILE: this client's key and certificate, for brokers
 *     that ask for mutual TLS; unset means none
 * @param keystoreType WATTSWEEP_KAFKA_KEYSTORE_TYPE: as the truststore's
 * @param keystorePassword WATTSWEEP_KAFKA_KEYSTORE_PASSWORD (or _FILE): the store's password, also
 *     the key's (required for PKCS12 and JKS); for PEM, the key's password if it is encrypted
 */
public record KafkaSecurity(
    String protocol,
    String saslMechanism,
    String saslUsername,
    String saslPassword,
    Path truststoreFile,
    String truststoreType,
    String truststorePassword,
    Path keystoreFile,
    String keystoreType,
    String keystorePassword) {

  public static final String PROTOCOL = "WATTSWEEP_KAFKA_SECURITY_PROTOCOL";
  public static final String SASL_MECHANISM = "WATTSWEEP_KAFKA_SASL_MECHANISM";
  public static final String SASL_USERNAME = "WATTSWEEP_KAFKA_SASL_USERNAME";
  public static final String SASL_PASSWORD = "WATTSWEEP_KAFKA_SASL_PASSWORD";
  public static final String TRUSTSTORE_FILE = "WATTSWEEP_KAFKA_TRUSTSTORE_FILE";
  public static final String TRUSTSTORE_TYPE = "WATTSWEEP_KAFKA_TRUSTSTORE_TYPE";
  public static final String TRUSTSTORE_PASSWORD = "WATTSWEEP_KAFKA_TRUSTSTORE_PASSWORD";
  public static final String KEYSTORE_FILE = "WATTSWEEP_KAFKA_KEYSTORE_FILE";
  public static final String KEYSTORE_TYPE = "WATTSWEEP_KAFKA_KEYSTORE_TYPE";
  public static final String KEYSTORE_PASSWORD = "WATTSWEEP_KAFKA_KEYSTORE_PASSWORD";

  /** Every variable read here, the secrets' {@code _FILE} forms included. */
  public static final List<String> VARIABLES =
      List.of(
          PROTOCOL,
          SASL_MECHANISM,
          SASL_USERNAME,
          SASL_PASSWORD,
          SASL_PASSWORD + "_FILE",
          TRUSTSTORE_FILE,
          TRUSTSTORE_TYPE,
          TRUSTSTORE_PASSWORD,
          TRUSTSTORE_PASSWORD + "_FILE",
          KEYSTORE_FILE,
          KEYSTORE_TYPE,
          KEYSTORE_PASSWORD,
          KEYSTORE_PASSWORD + "_FILE");

  private static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
  private static final Set<String> STORE_TYPES = Set.of("PKCS12", "JKS", "PEM");

  /** No encryption, no authentication: a local broker. (After the lists it checks against.) */
  public static final KafkaSecurity PLAINTEXT =
      new KafkaSecurity("PLAINTEXT", null, null, null, null, null, null, null, null, null);

  public KafkaSecurity {
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException(
          PROTOCOL + " must be one of " + String.join(", ", PROTOCOLS) + ": '" + protocol + "'");
    }
    if (sasl(protocol)) {
      if (!MECHANISMS.contains(saslMechanism)) {
        throw new IllegalArgumentException(
            SASL_MECHANISM
                + " must be one of "
                + String.join(", ", MECHANISMS)
                + ": '"
                + saslMechanism
                + "'");
      }
      required(SASL_USERNAME, saslUsername, protocol);
      required(SASL_PASSWORD, saslPassword, protocol);
    } else {
      unused(SASL_MECHANISM, saslMechanism, protocol);
      unused(SASL_USERNAME, saslUsername, protocol);
      unused(SASL_PASSWORD, saslPassword, protocol);
    }
    if (!tls(protocol)) {
      unused(TRUSTSTORE_FILE, truststoreFile, protocol);
      unused(KEYSTORE_FILE, keystoreFile, protocol);
    }
    store(
        TRUSTSTORE_FILE,
        truststoreFile,
        TRUSTSTORE_TYPE,
        truststoreType,
        TRUSTSTORE_PASSWORD,
        truststorePassword,
        false);
    store(
        KEYSTORE_FILE,
        keystoreFile,
        KEYSTORE_TYPE,
        keystoreType,
        KEYSTORE_PASSWORD,
        keystorePassword,
        true);
  }

  /** The settings the variables give; PLAINTEXT where none is set. */
  public static KafkaSecurity fromEnv(Env env) {
    String protocol = env.string(PROTOCOL, "PLAINTEXT").toUpperCase(Locale.ROOT);
    Path truststore = path(env, TRUSTSTORE_FILE);
    Path keystore = path(env, KEYSTORE_FILE);
    return new KafkaSecurity(
        protocol,
        env.string(SASL_MECHANISM, sasl(protocol) ? "SCRAM-SHA-512" : null),
        env.string(SASL_USERNAME, null),
        env.secret(SASL_PASSWORD),
        truststore,
        storeType(env, TRUSTSTORE_TYPE, truststore),
        env.secret(TRUSTSTORE_PASSWORD),
        keystore,
        storeType(env, KEYSTORE_TYPE, keystore),
        env.secret(KEYSTORE_PASSWORD));
  }

  /** Whether the clients authenticate with SASL. */
  public boolean sasl() {
    return sasl(protocol);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("KafkaSecurity[protocol=").append(protocol);
    if (sasl()) {
      s.append(", saslMechanism=")
          .append(saslMechanism)
          .append(", saslUsername=")
          .append(saslUsername)
          .append(", saslPassword=***");
    }
    if (truststoreFile != null) {
      s.append(", truststore=")
          .append(truststoreFile)
          .append(" (")
          .append(truststoreType)
          .append(')');
    }
    if (keystoreFile != null) {
      s.append(", keystore=").append(keystoreFile).append(" (").append(keystoreType).append(')');
    }
    return s.append(']').toString();
  }

  private static boolean sasl(String protocol) {
    return protocol.startsWith("SASL_");
  }

  private static boolean tls(String protocol) {
    return protocol.endsWith("SSL");
  }

  private static Path path(Env env, String key) {
    String v = env.string(key, null);
    return v == null ? null : Path.of(v);
  }

  private static String storeType(Env env, String key, Path file) {
    String name = file == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    String dflt =
        file == null
            ? null
            : name.endsWith(".pem") || name.endsWith(".crt")
                ? "PEM"
                : name.endsWith(".jks") ? "JKS" : "PKCS12";
    String type = env.string(key, dflt);
    return type == null ? null : type.toUpperCase(Locale.ROOT);
  }

  private static void required(String key, String value, String protocol) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(key + " must be set when " + PROTOCOL + " is " + protocol);
    }
  }

  private static void unused(String key, Object value, String protocol) {
    if (value != null) {
      throw new IllegalArgumentException(
          key
              + " is set but "
              + PROTOCOL
              + "="
              + protocol
              + " does not use it: set the protocol to "
              + (key.contains("SASL") ? "SASL_SSL" : "SSL or SASL_SSL"));
    }
  }

  /** A store's file exists, its type is known, and a password is there where the type needs it. */
  private static void store(
      String fileKey,
      Path file,
      String typeKey,
      String type,
      String passwordKey,
      String password,
      boolean holdsKey) {
    if (file == null) {
      if (type != null || password != null) {
        throw new IllegalArgumentException(
            (type != null ? typeKey : passwordKey) + " is set but " + fileKey + " is not");
      }
      return;
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(fileKey + " is not a readable file: '" + file + "'");
    }
    if (!STORE_TYPES.contains(type)) {
      throw new IllegalArgumentException(typeKey + " must be PKCS12, JKS or PEM: '" + type + "'");
    }
    if ("PEM".equals(type) && password != null && !holdsKey) {
      throw new IllegalArgumentException(passwordKey + " must not be set for a PEM truststore");
    }
    if (holdsKey && !"PEM".equals(type) && password == null) {
      throw new IllegalArgumentException(
          passwordKey + " must be set for the " + type + " file " + fileKey + "='" + file + "'");
    }
  }
}
