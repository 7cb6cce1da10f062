package io.wattsweep.coordinator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.coordinator.kafka.HeartbeatReader;
import io.wattsweep.coordinator.metrics.CoordinatorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges which running runs are lost: those silent in the catalog for the run timeout whose job
 * no live worker names in its heartbeats. It judges only when the catalog holds every event and
 * the reader every beat that the broker held at the previous check: silence that is ours (a
 * restart, events still unread, a broker away) is never taken for a lost run. A lost run becomes
 * ABANDONED and its job is queued again.
 */
final class RunReaper {
  private static final Logger LOG = LoggerFactory.getLogger(RunReaper.class);

  private final Vertx vertx;
  private final Catalog catalog;
  private final EventIngestor events;
  private final HeartbeatReader heartbeats;
  private final CoordinatorMetrics metrics;
  private final Clock clock;
  private final Duration runTimeout;

  RunReaper(Vertx vertx, Catalog catalog, EventIngestor events, HeartbeatReader heartbeats,
      CoordinatorMetrics metrics, Clock clock, Duration runTimeout) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.events = events;
    this.heartbeats = heartbeats;
    this.metrics = metrics;
    this.clock = clock;
    this.runTimeout = runTimeout;
  }

  /** Abandons the lost runs; completes with whether it could judge (false: not caught up). */
  Future<Boolean> check() {
    metrics.liveWorkers(heartbeats.liveWorkers(clock.millis()));
    return Future.all(events.caughtUp(), heartbeats.caughtUp()).compose(caughtUp -> {
      if (!caughtUp.<Boolean>resultAt(0) || !caughtUp.<Boolean>resultAt(1)) {
        return Future.succeededFuture(false);
      }
      long now = clock.millis();
      Set<String> liveJobs = heartbeats.liveJobs(now);
      return vertx.executeBlocking(() -> catalog.abandonSilentRuns(
              now - runTimeout.toMillis(), now, liveJobs), false)
          .map(jobs -> {
            if (!jobs.isEmpty()) {
              LOG.warn("Runs silent for {} with no live worker naming their jobs: abandoned;"
                  + " jobs queued again: {}", runTimeout, jobs);
            }
            return true;
          });
    });
  }
}
