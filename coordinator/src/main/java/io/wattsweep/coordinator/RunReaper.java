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
 * Judges which running runs are lost: those silent in the catalog for the run timeout whose job no
 * live worker names in its heartbeats, and those of a worker that stopped beating while its last
 * beat named their job (killed, or cut off: found within a few heartbeat intervals). It judges only
 * when the catalog holds every event and the reader every beat that the broker held at the previous
 * check, and has for a while: silence that is ours (a restart, events still unread, a broker away)
 * is never taken for a lost run. A lost run becomes ABANDONED and its job is queued again.
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
  private final Duration settle;
  private final Runnable requeued;

  /** Since when both readers have been caught up at every check, or -1. */
  private long caughtUpSinceMs = -1;

  /**
   * @param settle how long both readers must have stayed caught up before it judges: after a
   *     restart or a broker outage, live workers get that long to be heard again (their beats and
   *     events may still sit in their producers)
   * @param requeued called when jobs were queued again, to publish them at once
   */
  RunReaper(
      Vertx vertx,
      Catalog catalog,
      EventIngestor events,
      HeartbeatReader heartbeats,
      CoordinatorMetrics metrics,
      Clock clock,
      Duration runTimeout,
      Duration settle,
      Runnable requeued) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.events = events;
    this.heartbeats = heartbeats;
    this.metrics = metrics;
    this.clock = clock;
    this.runTimeout = runTimeout;
    this.settle = settle;
    this.requeued = requeued;
  }

  /**
   * Abandons the lost runs; completes with whether it could judge (false: not caught up, or not for
   * long enough).
   */
  Future<Boolean> check() {
    metrics.liveWorkers(heartbeats.liveWorkers(clock.millis()));
    return Future.all(events.caughtUp(), heartbeats.caughtUp())
        .compose(
            caughtUp -> {
              long now = clock.millis();
              if (!caughtUp.<Boolean>resultAt(0) || !caughtUp.<Boolean>resultAt(1)) {
                caughtUpSinceMs = -1;
                return Future.succeededFuture(false);
              }
              if (caughtUpSinceMs < 0) {
                caughtUpSinceMs = now;
              }
              if (now - caughtUpSinceMs < settle.toMillis()) {
                return Future.succeededFuture(false);
              }
              Set<String> liveJobs = heartbeats.liveJobs(now);
              List<HeartbeatReader.Claim> lost = heartbeats.deadClaims(now);
              return vertx
                  .executeBlocking(
                      () -> {
                        var jobs =
                            new ArrayList<>(
                                catalog.abandonSilentRuns(
                                    now - runTimeout.toMillis(), now, liveJobs));
                        if (!jobs.isEmpty()) {
                          LOG.warn(
                              "Runs silent for {} with no live worker naming their jobs: abandoned;"
                                  + " jobs queued again: {}",
                              runTimeout,
                              jobs);
                        }
                        for (HeartbeatReader.Claim c : lost) {
                          if (catalog.returnLostClaim(
                              c.jobId(), c.workerId(), c.lastBeatMs(), now)) {
                            LOG.warn(
                                "Worker {} stopped beating while it held job {}: queued again",
                                c.workerId(),
                                c.jobId());
                            jobs.add(c.jobId());
                          }
                          heartbeats.settled(c);
                        }
                        return jobs;
                      },
                      false)
                  .map(
                      jobs -> {
                        if (!jobs.isEmpty()) {
                          requeued.run();
                        }
                        return true;
                      });
            });
  }
}
