package io.wattsweep.coordinator;

import io.vertx.core.Vertx;
import io.wattsweep.coordinator.catalog.Catalog;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the coordinator until the process is stopped ({@code ./wattsweep coordinator [--insecure]});
 * exits 2 on bad settings, naming the variable.
 */
public final class CoordinatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorMain.class);

  /** How long a stopping coordinator waits for its Kafka clients to close. */
  private static final long SHUTDOWN_BOUND_MS = 30_000;

  private CoordinatorMain() {}

  public static void main(String[] args) {
    CoordinatorConfig config;
    try {
      config = CoordinatorConfig.fromEnv(System.getenv(), List.of(args));
    } catch (IllegalArgumentException e) {
      LOG.error("Coordinator did not start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("Starting with {}", config);
    Catalog catalog =
        Catalog.open(
                config.catalogJdbcUrl(),
                config.catalogUser(),
                config.catalogPassword(),
                config.footprint())
            .maxAttempts(config.maxAttempts());
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // With the broker away, the Kafka clients' close never ends: bounded, so that
                  // the catalog (whose commits are on disk already) is closed and the stop ends.
                  try {
                    vertx.close().await(SHUTDOWN_BOUND_MS, TimeUnit.MILLISECONDS);
                  } catch (TimeoutException e) {
                    LOG.warn(
                        "Stopping without a clean close of the Kafka clients after {} ms",
                        SHUTDOWN_BOUND_MS);
                  }
                  catalog.close();
                },
                "coordinator-shutdown"));
    vertx
        .deployVerticle(new CoordinatorVerticle(config, catalog, Clock.systemUTC()))
        .onFailure(
            err -> {
              LOG.error("Coordinator did not start: {}", err.toString());
              System.exit(1);
            });
  }
}
