package io.wattsweep.coordinator;

import io.wattsweep.common.Env;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.energy.Footprint;
import io.wattsweep.coordinator.access.ApiListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The coordinator's settings, read once from the environment (and the flag {@code --insecure}).
 *
 * @param httpPort WATTSWEEP_HTTP_PORT: the REST API's port (default 8080; 0 picks a free one)
 * @param kafkaBootstrap WATTSWEEP_KAFKA_BOOTSTRAP: Kafka's bootstrap servers
 * @param kafkaSecurity WATTSWEEP_KAFKA_SECURITY_PROTOCOL and the TLS and SASL settings beside it
 *     ({@link KafkaSecurity} lists them)
 * @param catalogJdbcUrl WATTSWEEP_CATALOG_JDBC_URL: H2 file by default, or a PostgreSQL URL
 * @param catalogUser WATTSWEEP_CATALOG_USER
 * @param catalogPassword WATTSWEEP_CATALOG_PASSWORD
 * @param jobPartitions WATTSWEEP_JOB_PARTITIONS: partitions of each jobs topic (default 16; only
 *     free workers hold them, so this bounds the free workers polling at once, not the busy ones)
 * @param eventPartitions WATTSWEEP_EVENT_PARTITIONS: partitions of the events topic
 * @param replicationFactor WATTSWEEP_TOPIC_REPLICATION: replicas of each topic it creates
 * @param gpuClasses WATTSWEEP_GPU_CLASSES: classes whose jobs topics exist from the start
 * @param republishInterval WATTSWEEP_REPUBLISH_INTERVAL_MS: how often jobs stored but not yet
 *     acknowledged by Kafka are published again
 * @param metricsRefreshInterval WATTSWEEP_METRICS_REFRESH_MS: how often the sweep and job gauges
 *     and the consumer lag on {@code /metrics} are read again (default 5000)
 * @param runTimeout WATTSWEEP_RUN_TIMEOUT_MS: a running run silent this long is abandoned and its
 *     job queued again (default 300000; runs send power samples every second), unless a live worker
 *     names its job in its heartbeats
 * @param maxAttempts WATTSWEEP_MAX_ATTEMPTS: how many times a job goes out before a run that comes
 *     back unfinished (aborted or lost) gives it up as FAILED (default 3)
 * @param heartbeatInterval WATTSWEEP_HEARTBEAT_INTERVAL_MS: how often workers beat (default 5000,
 *     as theirs); a worker whose last beat is older than three intervals is not alive
 * @param footprint WATTSWEEP_GRID_INTENSITY_G_PER_KWH (default 475), WATTSWEEP_PUE (default 1),
 *     WATTSWEEP_PRICE_PER_KWH (no default: no cost is shown without it) and WATTSWEEP_CURRENCY
 *     (default EUR): how energy becomes CO2e and cost
 * @param api WATTSWEEP_HTTP_HOST, WATTSWEEP_TOKENS_FILE, WATTSWEEP_TLS_CERT_FILE and the other
 *     settings of where the API listens and who may use it ({@link ApiListener} lists them)
 */
public record CoordinatorConfig(
    int httpPort,
    String kafkaBootstrap,
    KafkaSecurity kafkaSecurity,
    String catalogJdbcUrl,
    String catalogUser,
    String catalogPassword,
    int jobPartitions,
    int eventPartitions,
    short replicationFactor,
    List<String> gpuClasses,
    Duration republishInterval,
    Duration metricsRefreshInterval,
    Duration runTimeout,
    int maxAttempts,
    Duration heartbeatInterval,
    Footprint footprint,
    ApiListener api) {

  /** The default metrics refresh: every 5 s. */
  public static final Duration DEFAULT_METRICS_REFRESH = Duration.ofSeconds(5);

  /** How long after its last heartbeat a worker counts as alive. */
  public Duration workerLiveFor() {
    return heartbeatInterval.multipliedBy(3);
  }

  /** The environment's settings, then the command line's flags over them. */
  public static CoordinatorConfig fromEnv(Map<String, String> env, List<String> args) {
    boolean insecureFlag = false;
    for (String arg : args) {
      if (!arg.equals("--insecure")) {
        throw new IllegalArgumentException(
            "unknown coordinator argument '" + arg + "'; known: --insecure");
      }
      insecureFlag = true;
    }
    var e = new Env(env);
    return new CoordinatorConfig(
        e.integer("WATTSWEEP_HTTP_PORT", 8080),
        e.string("WATTSWEEP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        KafkaSecurity.fromEnv(e),
        e.string("WATTSWEEP_CATALOG_JDBC_URL", "jdbc:h2:file:./wattsweep-data/catalog"),
        e.string("WATTSWEEP_CATALOG_USER", "sa"),
        e.string("WATTSWEEP_CATALOG_PASSWORD", ""),
        e.integer("WATTSWEEP_JOB_PARTITIONS", 16),
        e.integer("WATTSWEEP_EVENT_PARTITIONS", 4),
        (short) e.integer("WATTSWEEP_TOPIC_REPLICATION", 1),
        e.list("WATTSWEEP_GPU_CLASSES", List.of("cpu")),
        Duration.ofMillis(e.integer("WATTSWEEP_REPUBLISH_INTERVAL_MS", 10_000)),
        Duration.ofMillis(
            e.integer("WATTSWEEP_METRICS_REFRESH_MS", (int) DEFAULT_METRICS_REFRESH.toMillis())),
        Duration.ofMillis(e.integer("WATTSWEEP_RUN_TIMEOUT_MS", 300_000)),
        atLeastOne("WATTSWEEP_MAX_ATTEMPTS", e.integer("WATTSWEEP_MAX_ATTEMPTS", 3)),
        Duration.ofMillis(e.integer("WATTSWEEP_HEARTBEAT_INTERVAL_MS", 5_000)),
        new Footprint(
            e.number(
                "WATTSWEEP_GRID_INTENSITY_G_PER_KWH", Footprint.DEFAULT.gridIntensityGramsPerKwh()),
            e.number("WATTSWEEP_PUE", Footprint.DEFAULT.pue()),
            e.string("WATTSWEEP_PRICE_PER_KWH", null) == null
                ? null
                : e.number("WATTSWEEP_PRICE_PER_KWH", 0),
            e.string("WATTSWEEP_CURRENCY", Footprint.DEFAULT.currency())),
        ApiListener.fromEnv(e, insecureFlag));
  }

  private static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, not " + value);
    }
    return value;
  }

  /** For the start-up log: everything but the passwords. */
  @Override
  public String toString() {
    return "CoordinatorConfig[httpPort="
        + httpPort
        + ", kafkaBootstrap="
        + kafkaBootstrap
        + ", kafkaSecurity="
        + kafkaSecurity
        + ", catalogJdbcUrl="
        + catalogJdbcUrl
        + ", catalogUser="
        + catalogUser
        + ", jobPartitions="
        + jobPartitions
        + ", eventPartitions="
        + eventPartitions
        + ", replicationFactor="
        + replicationFactor
        + ", gpuClasses="
        + gpuClasses
        + ", republishInterval="
        + republishInterval
        + ", metricsRefreshInterval="
        + metricsRefreshInterval
        + ", runTimeout="
        + runTimeout
        + ", maxAttempts="
        + maxAttempts
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", footprint="
        + footprint
        + ", api="
        + api
        + "]";
  }
}
