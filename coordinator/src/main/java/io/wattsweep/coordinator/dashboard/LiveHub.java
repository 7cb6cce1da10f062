package io.wattsweep.coordinator.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.coordinator.kafka.EventIngestor;
import io.wattsweep.coordinator.metrics.CoordinatorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live side of the dashboard: pushes every power sample, measured batch and run state change
 * the coordinator ingests to the browsers connected to {@code GET /api/v1/live} (server-sent
 * events), as soon as the catalog has it, and remembers recent runs in memory (their latest batch
 * and power, and the last minutes of power) so that a page opened mid-run, and {@code GET
 * /api/v1/sweeps/{id}/live}, see them at once without reading the catalog.
 *
 * <p>Events of the stream: {@code snapshot} (on connect: the remembered runs with their power
 * history), {@code run} (a run started, completed or failed), {@code power}, {@code batch}. A
 * client too slow to take them misses events rather than holding memory.
 */
public final class LiveHub implements EventIngestor.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(LiveHub.class);

  /** How long power history is kept per run, and how long a finished run is remembered. */
  static final Duration HISTORY = Duration.ofMinutes(10);

  /** At most this many samples per run (a 5 Hz sampler over the history). */
  static final int MAX_SAMPLES_PER_RUN = 3000;

  /** At most this many runs remembered; the oldest go first. */
  static final int MAX_RUNS = 128;

  private static final long KEEPALIVE_MS = 15_000;

  private final Clock clock;
  private final CoordinatorMetrics metrics;
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private final Map<String, String> latestRunOfJob = new HashMap<>();
  private final Set<HttpServerResponse> clients = new LinkedHashSet<>();
  private long keepalive = -1;
  private long dropped;

  public LiveHub(Clock clock, CoordinatorMetrics metrics) {
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Starts the keep-alive comments that stop proxies from closing idle streams. */
  public void start(Vertx vertx) {
    keepalive = vertx.setPeriodic(KEEPALIVE_MS, id -> broadcast(": keepalive\n\n"));
  }

  public void stop(Vertx vertx) {
    vertx.cancelTimer(keepalive);
    synchronized (this) {
      for (HttpServerResponse r : List.copyOf(clients)) {
        r.end();
      }
      clients.clear();
    }
  }

  /** {@code GET /api/v1/live}: opens a server-sent event stream, starting with a snapshot. */
  public void stream(RoutingContext ctx) {
    HttpServerResponse res = ctx.response();
    res.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    String snapshot;
    synchronized (this) {
      snapshot = frame("snapshot", snapshotJson());
      clients.add(res);
      metrics.liveClients(clients.size());
    }
    res.write("retry: 2000\n\n" + snapshot);
    res.closeHandler(v -> forget(res));
    res.exceptionHandler(err -> forget(res));
  }

  private synchronized void forget(HttpServerResponse res) {
    clients.remove(res);
    metrics.liveClients(clients.size());
  }

  @Override
  public void ingested(List<RunEvent> events, long ingestedAtMs, long catalogWriteNanos) {
    var frames = new StringBuilder();
    synchronized (this) {
      for (RunEvent e : events) {
        String f = apply(e, ingestedAtMs);
        if (f != null) {
          frames.append(f);
        }
      }
      evict(ingestedAtMs);
    }
    if (frames.length() > 0) {
      broadcast(frames.toString());
    }
  }

  /** What is known live of these jobs: each one's latest run, if it is remembered. */
  public synchronized List<LiveStatus.JobLive> jobs(Collection<String> jobIds) {
    var out = new ArrayList<LiveStatus.JobLive>();
    for (String jobId : jobIds) {
      Run r = runs.get(latestRunOfJob.get(jobId));
      if (r != null) {
        out.add(r.status());
      }
    }
    return out;
  }

  private String apply(RunEvent e, long ingestedAtMs) {
    Run run = runs.get(e.runId());
    if (run == null) {
      run = new Run(e.jobId(), e.runId());
      runs.put(e.runId(), run);
      latestRunOfJob.put(e.jobId(), e.runId());
    }
    if (!run.seen(e.seq())) {
      return null; // redelivered: pushed already
    }
    run.updatedAtMs = ingestedAtMs;
    if (e instanceof PowerSample p) {
      run.method = p.method().wireName();
      run.estimate = p.method().isEstimate();
      run.powerWatts = p.powerWatts();
      run.powerAtMs = p.atMs();
      run.samples.addLast(new double[] {p.atMs(), p.powerWatts()});
      while (run.samples.size() > MAX_SAMPLES_PER_RUN
          || run.samples.peekFirst()[0] < p.atMs() - HISTORY.toMillis()) {
        run.samples.removeFirst();
      }
      return frame(
          "power",
          new JsonObject()
              .put("jobId", p.jobId())
              .put("runId", p.runId())
              .put("seq", p.seq())
              .put("atMs", p.atMs())
              .put("watts", p.powerWatts())
              .put("method", run.method)
              .put("estimate", run.estimate)
              .put("ingestedAtMs", ingestedAtMs));
    }
    if (e instanceof BatchMeasured b) {
      run.batchesDone = Math.max(run.batchesDone, b.batchIndex() + 1);
      run.lastBatchAtMs = b.atMs();
      return frame(
          "batch",
          new JsonObject()
              .put("jobId", b.jobId())
              .put("runId", b.runId())
              .put("seq", b.seq())
              .put("atMs", b.atMs())
              .put("batchIndex", b.batchIndex())
              .put("durationSeconds", b.durationNanos() / 1e9)
              .put("energyJoules", b.energyJoules())
              .put("resolutionJoules", b.energyResolutionJoules())
              .put("ingestedAtMs", ingestedAtMs));
    }
    if (e instanceof RunStarted s) {
      run.workerId = s.workerId();
      run.host = s.host();
      run.devices = s.devices();
      run.method = s.energyMethod().wireName();
      run.estimate = s.energyMethod().isEstimate();
      run.idleWatts = s.idlePowerWatts();
      run.precisionRan = s.precisionRan().wireName();
      run.startedAtMs = s.atMs();
    } else if (e instanceof RunCompleted c) {
      run.state = "completed";
      run.endedAtMs = c.atMs();
      run.batchesDone = Math.max(run.batchesDone, c.measuredBatches());
    } else if (e instanceof RunFailed f) {
      run.state = "failed";
      run.endedAtMs = f.atMs();
      run.failure = f.reason().wireName();
    }
    return frame("run", run.json(false));
  }

  private void evict(long nowMs) {
    long cutoff = nowMs - HISTORY.toMillis();
    Iterator<Run> it = runs.values().iterator();
    while (it.hasNext()) {
      Run r = it.next();
      boolean stale = r.updatedAtMs < cutoff;
      if (stale || runs.size() > MAX_RUNS) {
        it.remove();
        latestRunOfJob.remove(r.jobId, r.runId);
      }
    }
  }

  private JsonObject snapshotJson() {
    var list = new JsonArray();
    runs.values().forEach(r -> list.add(r.json(true)));
    return new JsonObject().put("serverTimeMs", clock.millis()).put("runs", list);
  }

  private void broadcast(String text) {
    List<HttpServerResponse> targets;
    synchronized (this) {
      targets = List.copyOf(clients);
    }
    for (HttpServerResponse r : targets) {
      if (r.writeQueueFull()) {
        if (dropped++ % 1000 == 0) {
          LOG.warn("A live client is too slow; dropping events for it ({} so far)", dropped);
        }
        continue;
      }
      r.write(text).onFailure(err -> forget(r));
    }
  }

  private static String frame(String event, JsonObject data) {
    return "event: " + event + "\ndata: " + data.encode() + "\n\n";
  }

  /** One run as the hub remembers it. Guarded by the hub's lock. */
  private static final class Run {
    final String jobId;
    final String runId;
    final ArrayDeque<double[]> samples = new ArrayDeque<>();
    final Set<Long> seqs = new HashSet<>();
    String workerId;
    String host;
    List<DeviceInfo> devices = List.of();
    String method;
    boolean estimate;
    String precisionRan;
    double idleWatts = Double.NaN;
    String state = "running";
    String failure;
    int batchesDone;
    long startedAtMs;
    long endedAtMs;
    long lastBatchAtMs;
    double powerWatts = Double.NaN;
    long powerAtMs;
    long updatedAtMs;

    Run(String jobId, String runId) {
      this.jobId = jobId;
      this.runId = runId;
    }

    /** False for a redelivered event: it was pushed already. */
    boolean seen(long seq) {
      return seqs.add(seq);
    }

    LiveStatus.JobLive status() {
      return new LiveStatus.JobLive(
          jobId,
          runId,
          workerId,
          state,
          batchesDone,
          Double.isNaN(powerWatts) ? null : powerWatts,
          powerAtMs == 0 ? null : powerAtMs,
          method,
          estimate);
    }

    JsonObject json(boolean withSamples) {
      var devs = new JsonArray();
      for (DeviceInfo d : devices) {
        devs.add(
            new JsonObject()
                .put("index", d.index())
                .put("kind", d.kind())
                .put("uuid", d.uuid())
                .put("name", d.name())
                .put("powerLimitWatts", d.powerLimitWatts()));
      }
      var o =
          new JsonObject()
              .put("jobId", jobId)
              .put("runId", runId)
              .put("workerId", workerId)
              .put("host", host)
              .put("devices", devs)
              .put("method", method)
              .put("estimate", estimate)
              .put("precisionRan", precisionRan)
              .put("state", state)
              .put("failure", failure)
              .put("batchesDone", batchesDone)
              .put("startedAtMs", startedAtMs)
              .put("endedAtMs", endedAtMs)
              .put("idleWatts", Double.isNaN(idleWatts) ? null : idleWatts)
              .put("powerWatts", Double.isNaN(powerWatts) ? null : powerWatts)
              .put("powerAtMs", powerAtMs);
      if (withSamples) {
        var s = new JsonArray();
        samples.forEach(p -> s.add(new JsonArray().add((long) p[0]).add(p[1])));
        o.put("samples", s);
      }
      return o;
    }
  }
}
