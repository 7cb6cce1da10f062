package io.wattsweep.coordinator.metrics;

import io.vertx.core.Vertx;
import io.wattsweep.coordinator.Periodic;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.catalog.JobState;
import io.wattsweep.coordinator.catalog.SweepView;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refreshes the sweep and job gauges from the catalog every interval, on a worker thread. A
 * finished sweep's counts never change again, so each is read once; only unfinished sweeps are read
 * at every refresh.
 */
public final class CatalogGauges {
  /** How many of the latest sweeps get their own progress series. */
  static final int LATEST_SWEEPS = 20;

  private final Vertx vertx;
  private final Catalog catalog;
  private final CoordinatorMetrics metrics;
  private final Duration interval;
  private final Map<String, Map<String, Integer>> finishedCounts = new ConcurrentHashMap<>();
  private long timer = -1;

  public CatalogGauges(
      Vertx vertx, Catalog catalog, CoordinatorMetrics metrics, Duration interval) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.metrics = metrics;
    this.interval = interval;
  }

  public void start() {
    timer =
        Periodic.every(
            vertx,
            Duration.ZERO,
            interval,
            "Refreshing sweep and job gauges",
            () ->
                vertx.executeBlocking(
                    () -> {
                      refresh();
                      return null;
                    },
                    false));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** Blocking: reads the catalog. */
  void refresh() {
    List<SweepView.Summary> sweeps = catalog.sweeps();
    Map<String, Integer> totals = new LinkedHashMap<>();
    for (JobState s : JobState.values()) {
      if (s.ofJobs()) {
        totals.put(label(s.name()), 0);
      }
    }
    int running = 0;
    int finished = 0;
    var latest = new HashSet<String>();
    for (int i = 0; i < sweeps.size(); i++) {
      SweepView.Summary s = sweeps.get(i);
      Map<String, Integer> counts = counts(s);
      if (counts == null) {
        continue; // deleted between the two reads
      }
      counts.forEach((state, n) -> totals.merge(state, n, Integer::sum));
      if (s.finished() >= s.jobs()) {
        finished++;
      } else {
        running++;
      }
      if (i < LATEST_SWEEPS) { // the list is newest first
        latest.add(s.sweepId());
        metrics.sweepJobs(s.sweepId(), s.name() == null ? "" : s.name(), counts);
      }
    }
    metrics.catalogTotals(running, finished, totals);
    metrics.keepSweeps(latest);
    metrics.backlog(catalog.backlog());
  }

  private Map<String, Integer> counts(SweepView.Summary s) {
    Map<String, Integer> cached = finishedCounts.get(s.sweepId());
    if (cached != null) {
      return cached;
    }
    SweepView view = catalog.sweep(s.sweepId()).orElse(null);
    if (view == null) {
      return null;
    }
    Map<String, Integer> counts = new HashMap<>();
    view.jobCounts().forEach((state, n) -> counts.put(label(state), n));
    if (view.finished()) {
      finishedCounts.put(s.sweepId(), Map.copyOf(counts));
    }
    return counts;
  }

  private static String label(String state) {
    return state.toLowerCase(Locale.ROOT);
  }
}
