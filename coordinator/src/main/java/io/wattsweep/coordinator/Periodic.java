package io.wattsweep.coordinator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An asynchronous task run every interval that never overlaps itself: while the last run is still
 * going, a beat is skipped, so slow work (a busy database, a slow broker) does not pile up.
 */
public final class Periodic {
  private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

  private Periodic() {}

  /**
   * Starts the task; a failed run is logged with {@code what} and the task runs again next beat.
   *
   * @return the timer id, for {@link Vertx#cancelTimer}
   */
  public static long every(
      Vertx vertx,
      Duration initialDelay,
      Duration interval,
      String what,
      Supplier<Future<?>> task) {
    AtomicBoolean inFlight = new AtomicBoolean();
    return vertx.setPeriodic(
        initialDelay.toMillis(),
        interval.toMillis(),
        id -> {
          if (!inFlight.compareAndSet(false, true)) {
            return;
          }
          Future<?> run;
          try {
            run = task.get();
          } catch (RuntimeException e) {
            run = Future.failedFuture(e);
          }
          run.onComplete(
              ar -> {
                inFlight.set(false);
                if (ar.failed()) {
                  LOG.warn("{} failed, will try again: {}", what, ar.cause().toString());
                }
              });
        });
  }
}
