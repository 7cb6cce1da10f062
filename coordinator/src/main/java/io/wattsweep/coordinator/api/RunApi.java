package io.wattsweep.coordinator.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wattsweep.common.spec.Checks;
import io.wattsweep.common.spec.ModelName;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.catalog.RunFilter;
import io.wattsweep.coordinator.catalog.RunRow;
import io.wattsweep.coordinator.report.Csv;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Catalog queries: {@code GET /api/v1/runs} (filters; {@code format=json|csv}), {@code GET
 * /api/v1/runs/{id}}, {@code GET /api/v1/runs/{id}/power?points=N&format=json|csv} (the run's power
 * trace in at most N time buckets, 500 by default), {@code GET /api/v1/compare?runs=a,b}, {@code
 * GET /api/v1/models/{model}/best?by=energy|time}, and {@code GET /api/v1/models/{model}/pareto}; a
 * model's versions are {@link ModelApi}'s.
 */
final class RunApi {
  private static final int DEFAULT_POINTS = 500;
  private static final int MAX_POINTS = 100_000;

  private final Vertx vertx;
  private final Catalog catalog;

  RunApi(Vertx vertx, Catalog catalog) {
    this.vertx = vertx;
    this.catalog = catalog;
  }

  void mount(Router router) {
    router.get("/api/v1/runs").handler(this::list);
    router.get("/api/v1/runs/:id").handler(this::show);
    router.get("/api/v1/runs/:id/power").handler(this::power);
    router.get("/api/v1/compare").handler(this::compare);
    router.get("/api/v1/models/:model/best").handler(this::best);
    router.get("/api/v1/models/:model/pareto").handler(this::pareto);
  }

  private void list(RoutingContext ctx) {
    RunFilter filter;
    String format = ctx.queryParams().get("format");
    try {
      filter = RunFilters.parse(ctx.queryParams(), Set.of("format"));
      if (format != null && !format.equals("json") && !format.equals("csv")) {
        throw new IllegalArgumentException("format must be json or csv: " + Checks.quote(format));
      }
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return;
    }
    blocking(ctx, () -> catalog.runs(filter))
        .onSuccess(
            rows -> {
              if ("csv".equals(format)) {
                ctx.response()
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"runs.csv\"")
                    .end(Csv.runs(rows));
              } else {
                ApiRouter.reply(ctx, 200, Map.of("runs", rows));
              }
            });
  }

  private void show(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, () -> catalog.run(id).map(r -> Map.of("run", r, "batches", catalog.batches(id))))
        .onSuccess(
            found ->
                found.ifPresentOrElse(
                    body -> ApiRouter.reply(ctx, 200, body),
                    () -> ApiRouter.error(ctx, 404, "run not found: " + Checks.quote(id))));
  }

  private void power(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    var params = ctx.queryParams();
    String format = params.get("format");
    String points = params.get("points");
    int maxPoints;
    try {
      for (String name : params.names()) {
        if (!name.equals("format") && !name.equals("points")) {
          throw new IllegalArgumentException(
              "unknown parameter '" + name + "'; power takes points and format");
        }
      }
      if (format != null && !format.equals("json") && !format.equals("csv")) {
        throw new IllegalArgumentException("format must be json or csv: " + Checks.quote(format));
      }
      maxPoints = points == null ? DEFAULT_POINTS : parsePoints(points);
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return;
    }
    blocking(ctx, () -> catalog.powerTrace(id, maxPoints))
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                ApiRouter.error(ctx, 404, "run not found: " + Checks.quote(id));
              } else if ("csv".equals(format)) {
                ctx.response()
                    .putHeader("Content-Type", "text/csv; charset=utf-8")
                    .putHeader("Content-Disposition", "attachment; filename=\"power.csv\"")
                    .end(Csv.power(found.get()));
              } else {
                ApiRouter.reply(ctx, 200, found.get());
              }
            });
  }

  private static int parsePoints(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= MAX_POINTS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(
        "points must be an integer from 1 to " + MAX_POINTS + ": " + Checks.quote(value));
  }

  private void compare(RoutingContext ctx) {
    String ids = ctx.queryParams().get("runs");
    if (ids == null || ids.isBlank() || ctx.queryParams().size() != 1) {
      ApiRouter.error(ctx, 400, "compare takes runs=ID,ID,...: " + ctx.request().query());
      return;
    }
    List<String> wanted = Arrays.stream(ids.split(",")).map(String::trim).toList();
    blocking(
            ctx,
            () -> {
              var rows = new ArrayList<RunRow>();
              var missing = new ArrayList<String>();
              for (String id : wanted) {
                catalog.run(id).ifPresentOrElse(rows::add, () -> missing.add(id));
              }
              return Map.entry(rows, missing);
            })
        .onSuccess(
            r -> {
              if (!r.getValue().isEmpty()) {
                ApiRouter.error(ctx, 404, "runs not found: " + r.getValue());
              } else {
                ApiRouter.reply(ctx, 200, Map.of("runs", r.getKey()));
              }
            });
  }

  private void best(RoutingContext ctx) {
    String by = ctx.queryParams().get("by");
    RunFilter filter = modelFilter(ctx, Set.of("by"));
    if (filter == null) {
      return;
    }
    if (by != null && !by.equals("energy") && !by.equals("time")) {
      ApiRouter.error(ctx, 400, "by must be energy or time: " + Checks.quote(by));
      return;
    }
    blocking(ctx, () -> catalog.best(filter, !"time".equals(by)))
        .onSuccess(
            best ->
                best.ifPresentOrElse(
                    r ->
                        ApiRouter.reply(
                            ctx, 200, Map.of("best", r, "by", by == null ? "energy" : by)),
                    () ->
                        ApiRouter.error(
                            ctx,
                            404,
                            "no completed run of model '"
                                + filter.model()
                                + "' matches the selection")));
  }

  private void pareto(RoutingContext ctx) {
    RunFilter filter = modelFilter(ctx, Set.of());
    if (filter != null) {
      blocking(ctx, () -> catalog.pareto(filter))
          .onSuccess(front -> ApiRouter.reply(ctx, 200, Map.of("front", front)));
    }
  }

  /** The path's model plus the query's filters, or null after answering 400. */
  private static RunFilter modelFilter(RoutingContext ctx, Set<String> extra) {
    try {
      String model = ctx.pathParam("model");
      ModelName.check("model", model);
      return RunFilters.parse(ctx.queryParams(), extra).withModel(model);
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return null;
    }
  }

  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return vertx.executeBlocking(work).onFailure(ctx::fail);
  }
}
