package io.wattsweep.coordinator.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: the registry in the format the scraper asks for (OpenMetrics or the
 * Prometheus text format; never protobuf, which this build leaves out). A scrape is a few hundred
 * series at most, cheap enough to write on the event loop.
 */
public final class MetricsEndpoint implements Handler<RoutingContext> {
  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  public MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ExpositionFormatWriter writer = writer(ctx.request().getHeader("Accept"));
    var out = new ByteArrayOutputStream(16 * 1024);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      ctx.fail(500, e);
      return;
    }
    ctx.response()
        .putHeader("Content-Type", writer.getContentType())
        .end(Buffer.buffer(out.toByteArray()));
  }

  private ExpositionFormatWriter writer(String accept) {
    ExpositionFormatWriter w = formats.findWriter(accept);
    return w.isAvailable() ? w : formats.getPrometheusTextFormatWriter();
  }
}
