package io.wattsweep.worker.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Prometheus endpoint: a small HTTP server answering {@code GET /metrics} on its own
 * port, and, on a GPU worker, the NVML sampler that feeds it. Its port is logged at start (the port
 * may be 0: a free one).
 */
public final class MetricsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);
  private static final long EXPIRE_INTERVAL_MS = 5_000;

  private final int port;
  private final WorkerMetrics metrics;
  private final Callable<Optional<GpuSampler>> gpuSampler;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private HttpServer server;
  private Optional<GpuSampler> sampler = Optional.empty();
  private long expireTimer = -1;

  /**
   * @param gpuSampler opens the GPU sampler (blocking; run off the event loop), or gives none on a
   *     CPU worker
   */
  public MetricsVerticle(
      int port, WorkerMetrics metrics, Callable<Optional<GpuSampler>> gpuSampler) {
    this.port = port;
    this.metrics = metrics;
    this.gpuSampler = gpuSampler;
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(gpuSampler)
        .compose(
            s -> {
              sampler = s;
              return vertx.createHttpServer().requestHandler(this::handle).listen(port, "0.0.0.0");
            })
        .onSuccess(
            s -> {
              server = s;
              expireTimer = vertx.setPeriodic(EXPIRE_INTERVAL_MS, id -> metrics.expire());
              LOG.info("Metrics at http://0.0.0.0:{}/metrics", s.actualPort());
            })
        .onFailure(
            err ->
                LOG.error(
                    "Metrics endpoint did not start on port {} (set"
                        + " WATTSWEEP_METRICS_PORT to a free port, or 0): {}",
                    port,
                    err.toString()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(expireTimer);
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(
        v ->
            vertx.executeBlocking(
                () -> {
                  sampler.ifPresent(GpuSampler::close);
                  return null;
                }));
  }

  private void handle(HttpServerRequest req) {
    if (!"/metrics".equals(req.path())) {
      req.response().setStatusCode(404).end("not found: try /metrics\n");
      return;
    }
    ExpositionFormatWriter writer = formats.findWriter(req.getHeader("Accept"));
    if (!writer.isAvailable()) {
      writer = formats.getPrometheusTextFormatWriter();
    }
    var out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, metrics.registry().scrape());
    } catch (IOException e) {
      req.response().setStatusCode(500).end(e.toString());
      return;
    }
    req.response()
        .putHeader("Content-Type", writer.getContentType())
        .end(Buffer.buffer(out.toByteArray()));
  }
}
