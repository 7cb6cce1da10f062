package io.wattsweep.coordinator.dashboard;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wattsweep.coordinator.api.ApiRouter;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.catalog.SweepView;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in dashboard's routes: the page at {@code /} ({@code /dashboard/}), its live stream
 * {@code GET /api/v1/live} (server-sent events, see {@link LiveHub}), {@code GET
 * /api/v1/sweeps/{id}/live} (a sweep's running jobs, from memory) and a sweep's report files at
 * {@code /dashboard/sweeps/{id}/report/{file}}. The sweep list and results come from the sweep API
 * itself.
 */
public final class Dashboard {
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
  private static final Map<String, String> REPORT_TYPES =
      Map.of(
          "svg",
          "image/svg+xml",
          "png",
          "image/png",
          "csv",
          "text/csv; charset=utf-8",
          "html",
          "text/html; charset=utf-8");

  private final Vertx vertx;
  private final Catalog catalog;
  private final LiveHub hub;
  private final DashboardAssets assets;
  private final ReportFiles reports;
  private final Clock clock;

  public Dashboard(
      Vertx vertx,
      Catalog catalog,
      LiveHub hub,
      DashboardAssets assets,
      ReportFiles reports,
      Clock clock) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.hub = hub;
    this.assets = assets;
    this.reports = reports;
    this.clock = clock;
  }

  /** Adds the dashboard's routes to {@code router}. */
  public void mount(Router router) {
    router.get("/").handler(ctx -> ctx.redirect("/dashboard/"));
    // Vert.x matches "/dashboard" here too; the page's relative links need the slash.
    router
        .get("/dashboard/")
        .handler(
            ctx -> {
              if (ctx.request().path().endsWith("/")) {
                asset(ctx, "index.html");
              } else {
                ctx.redirect("/dashboard/");
              }
            });
    router.get("/dashboard/sweeps/:id/report/:file").handler(this::report);
    router.get("/dashboard/:file").handler(ctx -> asset(ctx, ctx.pathParam("file")));
    router.get("/api/v1/live").handler(hub::stream);
    router.get("/api/v1/sweeps/:id/live").handler(this::sweepLive);
  }

  private void asset(RoutingContext ctx, String name) {
    assets
        .get(name)
        .ifPresentOrElse(
            a ->
                ctx.response()
                    .putHeader("Content-Type", a.contentType())
                    .putHeader("Cache-Control", "no-cache")
                    .end(a.body()),
            () -> ctx.response().setStatusCode(404).end("not found"));
  }

  private void sweepLive(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx
        .executeBlocking(() -> catalog.sweep(id), false)
        .onSuccess(
            sweep ->
                sweep.ifPresentOrElse(
                    s ->
                        ApiRouter.reply(
                            ctx,
                            200,
                            new LiveStatus(
                                id,
                                clock.millis(),
                                hub.jobs(
                                    s.jobs().stream().map(SweepView.JobView::jobId).toList()))),
                    () -> ApiRouter.error(ctx, 404, "sweep not found: '" + id + "'")))
        .onFailure(err -> fail(ctx, err));
  }

  private void report(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String file = ctx.pathParam("file");
    vertx
        .executeBlocking(
            () -> {
              Optional<SweepView> sweep = catalog.sweep(id);
              return sweep.isEmpty() ? Optional.<Path>empty() : reports.file(sweep.get(), file);
            },
            false)
        .onSuccess(
            path ->
                path.ifPresentOrElse(
                    p ->
                        ctx.response()
                            .putHeader(
                                "Content-Type",
                                REPORT_TYPES.getOrDefault(
                                    extension(file), "application/octet-stream"))
                            .putHeader("Cache-Control", "no-cache")
                            .sendFile(p.toString()),
                    () ->
                        ApiRouter.error(
                            ctx,
                            404,
                            "no report file '"
                                + file
                                + "' for sweep '"
                                + id
                                + "' (a report exists once a job has completed)")))
        .onFailure(err -> fail(ctx, err));
  }

  private static String extension(String file) {
    int dot = file.lastIndexOf('.');
    return dot < 0 ? "" : file.substring(dot + 1);
  }

  private static void fail(RoutingContext ctx, Throwable err) {
    LOG.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), err.toString());
    ApiRouter.error(ctx, 500, err.toString());
  }
}
