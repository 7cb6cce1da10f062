package io.wattsweep.coordinator.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.wattsweep.common.event.EventTypes;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.coordinator.catalog.Backlog;
import io.wattsweep.coordinator.kafka.EventIngestor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every metric the coordinator exports on {@code /metrics}, declared together. Names carry their
 * unit; labels are bounded (states, event types, consumer groups, the latest sweeps).
 *
 * <p>Ingestion metrics are fed as events arrive ({@link EventIngestor.Listener}); sweep and job
 * counts and consumer lag are gauges that {@link CatalogGauges} and {@link ConsumerLag} refresh
 * periodically, off the event loop.
 */
public final class CoordinatorMetrics implements EventIngestor.Listener {
  /** Buckets from 5 ms to 2 min: live events arrive within a second, a backlog takes longer. */
  private static final double[] DELAY_BUCKETS_SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120
  };

  private static final double[] WRITE_BUCKETS_SECONDS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();

  private final Gauge sweeps =
      Gauge.builder()
          .name("wattsweep_sweeps")
          .help("Sweeps in the catalog by state: running (some job not finished) or finished")
          .labelNames("state")
          .register(registry);

  private final Gauge jobs =
      Gauge.builder()
          .name("wattsweep_jobs")
          .help("Jobs in the catalog by state: queued, running, completed, failed")
          .labelNames("state")
          .register(registry);

  private final Gauge sweepJobs =
      Gauge.builder()
          .name("wattsweep_sweep_jobs")
          .help("Jobs of each of the latest sweeps by state, for progress")
          .labelNames("sweep_id", "sweep_name", "state")
          .register(registry);

  private final Gauge jobsQueued =
      Gauge.builder()
          .name("wattsweep_jobs_queued")
          .help("Jobs waiting for a worker, per GPU class and GPU count: what autoscalers read")
          .labelNames("gpu_class", "gpus")
          .register(registry);

  private final Set<List<String>> backlogSeen = new HashSet<>();

  private final Gauge jobsRunning =
      Gauge.builder()
          .name("wattsweep_jobs_running")
          .help("Jobs a worker has started, per GPU class and GPU count")
          .labelNames("gpu_class", "gpus")
          .register(registry);

  private final Gauge workersLive =
      Gauge.builder()
          .name("wattsweep_workers_live")
          .help("Workers whose last heartbeat is recent enough to count them alive, per GPU class")
          .labelNames("gpu_class")
          .register(registry);

  private final Counter eventsIngested =
      Counter.builder()
          .name("wattsweep_events_ingested_total")
          .help("Run events written to the catalog, by type (redeliveries included)")
          .labelNames("type")
          .register(registry);

  private final Counter eventsRejected =
      Counter.builder()
          .name("wattsweep_events_rejected_total")
          .help("Event records that could not be decoded and went to the dead-letter topic")
          .register(registry);

  private final Histogram ingestDelay =
      Histogram.builder()
          .name("wattsweep_event_ingest_delay_seconds")
          .help("From an event's timestamp (worker's clock) to its write in the catalog")
          .labelNames("type")
          .classicOnly()
          .classicUpperBounds(DELAY_BUCKETS_SECONDS)
          .register(registry);

  private final Histogram catalogWrite =
      Histogram.builder()
          .name("wattsweep_catalog_write_seconds")
          .help("Duration of one catalog transaction that ingests a batch of events")
          .classicOnly()
          .classicUpperBounds(WRITE_BUCKETS_SECONDS)
          .register(registry);

  private final Gauge consumerLag =
      Gauge.builder()
          .name("wattsweep_kafka_consumer_lag_records")
          .help(
              "Records not yet committed by a consumer group: end offsets minus committed offsets")
          .labelNames("group", "topic")
          .register(registry);

  private final Gauge liveClients =
      Gauge.builder()
          .name("wattsweep_live_clients")
          .help("Browsers connected to the live event stream (/api/v1/live)")
          .register(registry);

  public CoordinatorMetrics() {
    for (String type :
        List.of("run-started", "power-sample", "batch-measured", "run-completed", "run-failed")) {
      eventsIngested.initLabelValues(type);
      ingestDelay.initLabelValues(type);
    }
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void ingested(List<RunEvent> events, long ingestedAtMs, long catalogWriteNanos) {
    catalogWrite.observe(catalogWriteNanos / 1e9);
    for (RunEvent e : events) {
      String type = EventTypes.of(e);
      eventsIngested.labelValues(type).inc();
      ingestDelay.labelValues(type).observe(Math.max(0, ingestedAtMs - e.atMs()) / 1e3);
    }
  }

  @Override
  public void rejected(String reason) {
    eventsRejected.inc();
  }

  /** Sets the catalog's totals; {@code jobsByState} is keyed by lower-case state. */
  void catalogTotals(int running, int finished, Map<String, Integer> jobsByState) {
    sweeps.labelValues("running").set(running);
    sweeps.labelValues("finished").set(finished);
    jobsByState.forEach((state, n) -> jobs.labelValues(state).set(n));
  }

  /** One of the latest sweeps' job counts by lower-case state. */
  void sweepJobs(String sweepId, String sweepName, Map<String, Integer> jobsByState) {
    jobsByState.forEach((state, n) -> sweepJobs.labelValues(sweepId, sweepName, state).set(n));
  }

  /** The backlog per GPU class and count; one seen before and no longer listed reads 0. */
  synchronized void backlog(List<Backlog> backlog) {
    var listed = new HashSet<List<String>>();
    for (Backlog b : backlog) {
      var labels = List.of(b.gpuClass(), Integer.toString(b.gpus()));
      listed.add(labels);
      backlogSeen.add(labels);
      jobsQueued.labelValues(labels.get(0), labels.get(1)).set(b.queued());
      jobsRunning.labelValues(labels.get(0), labels.get(1)).set(b.running());
    }
    for (List<String> labels : backlogSeen) {
      if (!listed.contains(labels)) {
        jobsQueued.labelValues(labels.get(0), labels.get(1)).set(0);
        jobsRunning.labelValues(labels.get(0), labels.get(1)).set(0);
      }
    }
  }

  /** Drops the progress series of sweeps that are no longer among the latest. */
  void keepSweeps(Set<String> sweepIds) {
    sweepJobs.removeIf(labels -> !sweepIds.contains(labels.get(0)));
  }

  void consumerLag(String group, String topic, long records) {
    consumerLag.labelValues(group, topic).set(records);
  }

  void forgetConsumerLag(String group, String topic) {
    consumerLag.remove(group, topic);
  }

  /** The live stream's number of connected clients. */
  public void liveClients(int n) {
    liveClients.set(n);
  }

  /** Live workers per GPU class; the series of a class with none is dropped. */
  public synchronized void liveWorkers(Map<String, Integer> byClass) {
    workersLive.removeIf(labels -> !byClass.containsKey(labels.get(0)));
    byClass.forEach((gpuClass, n) -> workersLive.labelValues(gpuClass).set(n));
  }
}
