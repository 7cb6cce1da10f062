package io.wattsweep.coordinator.api;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wattsweep.common.spec.Checks;
import io.wattsweep.coordinator.catalog.Backlog;
import io.wattsweep.coordinator.catalog.Catalog;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/backlog}: queued and running jobs per GPU class and GPU count, all of them, or
 * one class and count ({@code ?gpuClass=a100&gpus=1}, zeros when it has none) as a flat object that
 * KEDA's metrics-api scaler reads ({@code valueLocation: queued}).
 */
final class BacklogApi {
  private final Vertx vertx;
  private final Catalog catalog;

  BacklogApi(Vertx vertx, Catalog catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
  }

  void mount(Router router) {
    router.get("/api/v1/backlog").handler(this::backlog);
  }

  private void backlog(RoutingContext ctx) {
    var params = ctx.queryParams();
    String gpuClass = params.get("gpuClass");
    String gpusText = params.get("gpus");
    int gpus;
    try {
      for (String name : params.names()) {
        if (!name.equals("gpuClass") && !name.equals("gpus")) {
          throw new IllegalArgumentException(
              "unknown parameter '" + name + "'; backlog takes gpuClass and gpus");
        }
      }
      if ((gpuClass == null) != (gpusText == null)) {
        throw new IllegalArgumentException(
            "gpuClass and gpus go together: gpuClass="
                + quoted(gpuClass)
                + ", gpus="
                + quoted(gpusText));
      }
      if (gpuClass != null) {
        Checks.name("gpuClass", gpuClass);
      }
      gpus = gpusText == null ? 0 : parseGpus(gpusText);
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return;
    }
    vertx
        .executeBlocking(catalog::backlog)
        .onFailure(ctx::fail)
        .onSuccess(
            all -> {
              if (gpuClass == null) {
                ApiRouter.reply(ctx, 200, Map.of("backlog", all));
              } else {
                ApiRouter.reply(ctx, 200, one(all, gpuClass, gpus));
              }
            });
  }

  private static Backlog one(List<Backlog> all, String gpuClass, int gpus) {
    return all.stream()
        .filter(b -> b.gpuClass().equals(gpuClass) && b.gpus() == gpus)
        .findFirst()
        .orElse(new Backlog(gpuClass, gpus, 0, 0));
  }

  private static int parseGpus(String text) {
    int gpus;
    try {
      gpus = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("gpus must be an integer: " + quoted(text));
    }
    return Checks.atLeast("gpus", gpus, 1);
  }

  private static String quoted(String s) {
    return s == null ? "none" : Checks.quote(s);
  }
}
