package io.wattsweep.coordinator.api;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.Checks;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.SweepParser;
import io.wattsweep.common.spec.SweepSpec;
import io.wattsweep.coordinator.access.AccessHandler;
import io.wattsweep.coordinator.access.Caller;
import io.wattsweep.coordinator.catalog.Catalog;
import io.wattsweep.coordinator.kafka.JobPublisher;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep API: {@code POST /api/v1/sweeps} (JSON or YAML), {@code GET /api/v1/sweeps} and {@code
 * GET /api/v1/sweeps/{id}}.
 */
final class SweepApi {
  /** The header naming who submits a sweep, heeded only where no tokens are configured. */
  static final String USER_HEADER = "X-Wattsweep-User";

  /** Larger bodies are refused before they are parsed. */
  static final long MAX_BODY_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(SweepApi.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final Catalog catalog;
  private final JobPublisher publisher;
  private final Clock clock;

  SweepApi(Vertx vertx, Catalog catalog, JobPublisher publisher, Clock clock) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.publisher = publisher;
    this.clock = clock;
  }

  void mount(Router router) {
    router
        .post("/api/v1/sweeps")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(this::submit);
    router.get("/api/v1/sweeps").handler(this::list);
    router.get("/api/v1/sweeps/:id").handler(this::show);
  }

  private void submit(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    boolean yaml = type != null && type.toLowerCase().contains("yaml");
    SweepSpec spec;
    try {
      spec = SweepParser.parse(ctx.body().asString("UTF-8"), yaml);
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return;
    }
    String sweepId = newSweepId();
    List<JobSpec> jobs = spec.expand(sweepId);
    long now = clock.millis();
    vertx
        .executeBlocking(
            () -> {
              catalog.insertSweep(sweepId, spec, Json.toJson(spec), jobs, now, submitter(ctx));
              return null;
            })
        .onFailure(
            err -> {
              String id = ApiRouter.errorId();
              LOG.error("Sweep {} not stored (error {})", sweepId, id, err);
              ApiRouter.error(
                  ctx,
                  500,
                  "the sweep was not stored: the catalog failed;"
                      + " the coordinator's log names the cause under error "
                      + id);
            })
        .compose(
            v ->
                publisher
                    .publish(jobs)
                    .compose(
                        p ->
                            vertx.executeBlocking(
                                () -> {
                                  catalog.markPublished(
                                      jobs.stream().map(JobSpec::jobId).toList(), clock.millis());
                                  return null;
                                }))
                    .onSuccess(
                        p -> {
                          LOG.info(
                              "Sweep {} ({}) stored and published: {} jobs",
                              sweepId,
                              spec.name(),
                              jobs.size());
                          ApiRouter.reply(
                              ctx,
                              201,
                              Map.of(
                                  "sweepId",
                                  sweepId,
                                  "jobs",
                                  jobs.size(),
                                  "status",
                                  "/api/v1/sweeps/" + sweepId));
                        })
                    .onFailure(
                        err -> {
                          LOG.warn(
                              "Sweep {} stored, its jobs not yet published: {}",
                              sweepId,
                              err.toString());
                          ApiRouter.reply(
                              ctx,
                              503,
                              Map.of(
                                  "sweepId",
                                  sweepId,
                                  "error",
                                  "the sweep is stored but Kafka did not take all its jobs yet; they are"
                                      + " published again automatically: "
                                      + err.getMessage()));
                        }));
  }

  private void list(RoutingContext ctx) {
    vertx
        .executeBlocking(catalog::sweeps)
        .onSuccess(s -> ApiRouter.reply(ctx, 200, Map.of("sweeps", s)))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx
        .executeBlocking(() -> catalog.sweep(id))
        .onSuccess(
            s ->
                s.ifPresentOrElse(
                    view -> ApiRouter.reply(ctx, 200, view),
                    () -> ApiRouter.error(ctx, 404, "sweep not found: " + Checks.quote(id))))
        .onFailure(ctx::fail);
  }

  /**
   * Who submits: the identity of the caller's token; without tokens configured (loopback only, or
   * {@code --insecure}), whatever the client's {@link #USER_HEADER} says (the CLI sends the user's
   * login name), since nothing proves who anyone is.
   */
  static String submitter(RoutingContext ctx) {
    return AccessHandler.caller(ctx)
        .map(Caller::identity)
        .orElseGet(
            () -> {
              String user = ctx.request().getHeader(USER_HEADER);
              return user == null || user.isBlank()
                  ? "anonymous"
                  : user.substring(0, Math.min(user.length(), 200));
            });
  }

  private String newSweepId() {
    return "sw-"
        + ID_TIME.format(clock.instant())
        + "-"
        + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }
}
