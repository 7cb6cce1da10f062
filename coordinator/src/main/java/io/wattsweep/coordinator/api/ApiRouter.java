package io.wattsweep.coordinator.api;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.kafka.JobPublisher;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API: the routes of {@link SweepApi}, {@link RunApi}, {@link BacklogApi} and {@link
 * ModelApi}, {@code GET /health}, and one failure handler; {@link #reply} is how they all answer.
 */
public final class ApiRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

  private ApiRouter() {}

  public static Router create(Vertx vertx, Catalog catalog, JobPublisher publisher, Clock clock) {
    Router router = Router.router(vertx);
    new SweepApi(vertx, catalog, publisher, clock).mount(router);
    router.get("/health").handler(ctx -> reply(ctx, 200, Map.of("status", "UP")));
    new RunApi(vertx, catalog).mount(router);
    new BacklogApi(vertx, catalog).mount(router);
    new ModelApi(vertx, catalog, clock).mount(router);
    router.route().failureHandler(ApiRouter::failure);
    return router;
  }

  /** Answers {@code body} as JSON, unless the request was answered already. */
  public static void reply(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Json.toJson(body));
  }

  /** A short id that ties a 5xx answer to its logged cause. */
  /** An error answer: {@code {"error": message}}. */
  public static void error(RoutingContext ctx, int status, String message) {
    reply(ctx, status, Map.of("error", message));
  }

  static String errorId() {
    return String.format("%08x", ThreadLocalRandom.current().nextInt());
  }

  /**
   * Answers a request that failed: a client's mistake by its status, a server's by an id that the
   * log names with the cause. No exception's text reaches the client: a database's or a driver's
   * message is for the operator.
   */
  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String message;
    if (status == 413) {
      message = "body must be at most " + SweepApi.MAX_BODY_BYTES + " bytes";
    } else if (status < 500) {
      message = "request refused (HTTP " + status + ")";
    } else {
      String id = errorId();
      LOG.error(
          "{} {} failed (error {})",
          ctx.request().method(),
          ctx.request().path(),
          id,
          ctx.failure());
      message = "the request failed on the coordinator; its log names the cause under error " + id;
    }
    error(ctx, status, message);
  }
}
