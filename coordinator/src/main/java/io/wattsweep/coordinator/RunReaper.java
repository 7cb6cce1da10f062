package io.wattsweep.coordinator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.coordinator.kafka.HeartbeatReader;
import io.wattsweep.coordinator.metrics.CoordinatorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges which running runs are lost: those silent in the catalog for the run timeout whose job
 * no live worker names in its heartbeats, and those of a worker that stopped beating while its
 * last beat named their job (killed, or cut off: found within a few heartbeat intervals). It judges only when the catalog holds every event and
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
  private final Runnable requeued;

  /** @param requeued called when jobs were queued again, to publish them at once */
  RunReaper(Vertx vertx, Catalog catalog, EventIngestor events, HeartbeatReader heartbeats,
      CoordinatorMetrics metrics, Clock clock, Duration runTimeout, Runnable requeued) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.events = events;
    this.heartbeats = heartbeats;
    this.metrics = metrics;
    this.clock = clock;
    this.runTimeout = runTimeout;
    this.requeued = requeued;
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
      List<HeartbeatReader.Claim> lost = heartbeats.deadClaims(now);
      return vertx.executeBlocking(() -> {
            var jobs = new ArrayList<>(catalog.abandonSilentRuns(now - runTimeout.toMillis(), now,
                liveJobs));
            if (!jobs.isEmpty()) {
              LOG.warn("Runs silent for {} with no live worker naming their jobs: abandoned;"
                  + " jobs queued again: {}", runTimeout, jobs);
            }
            for (HeartbeatReader.Claim c : lost) {
              if (catalog.returnLostClaim(c.jobId(), c.workerId(), c.lastBeatMs(), now)) {
                LOG.warn("Worker {} stopped beating while it held job {}: queued again",
                    c.workerId(), c.jobId());
                jobs.add(c.jobId());
              }
              heartbeats.settled(c);
            }
            return jobs;
          }, false)
          .map(jobs -> {
            if (!jobs.isEmpty()) {
              requeued.run();
            }
            return true;
          });
    });
  }
}
