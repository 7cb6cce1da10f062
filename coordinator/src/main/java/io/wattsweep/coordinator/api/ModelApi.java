package io.wattsweep.coordinator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.Checks;
import io.wattsweep.common.spec.ModelName;
import io.wattsweep.coordinator.catalog.Catalog;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A model's versions and their aliases: {@code GET /api/v1/models/{model}/versions} (newest first,
 * each with its provenance, metadata, aliases and trained generator; {@code ?metadata.KEY=VALUE}
 * keeps those whose sweep's metadata has each pair), {@code GET
 * /api/v1/models/{model}/versions/{number or alias}}, {@code PUT
 * /api/v1/models/{model}/aliases/{alias}} with {@code {"version": N}} (moves the alias there) and
 * {@code DELETE /api/v1/models/{model}/aliases/{alias}}.
 */
final class ModelApi {
  private static final long MAX_BODY_BYTES = 4096;

  private final Vertx vertx;
  private final Catalog catalog;
  private final Clock clock;

  ModelApi(Vertx vertx, Catalog catalog, Clock clock) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.clock = clock;
  }

  void mount(Router router) {
    router.get("/api/v1/models/:model/versions").handler(this::versions);
    router.get("/api/v1/models/:model/versions/:version").handler(this::version);
    router
        .put("/api/v1/models/:model/aliases/:alias")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(this::setAlias);
    router.delete("/api/v1/models/:model/aliases/:alias").handler(this::deleteAlias);
  }

  private void versions(RoutingContext ctx) {
    String model = model(ctx);
    if (model == null) {
      return;
    }
    Map<String, String> wanted;
    try {
      wanted = metadataFilter(ctx.queryParams());
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return;
    }
    blocking(
            ctx,
            () ->
                catalog.modelVersions(model).stream()
                    .filter(v -> v.metadata().entrySet().containsAll(wanted.entrySet()))
                    .toList())
        .onSuccess(v -> ApiRouter.reply(ctx, 200, Map.of("versions", v)));
  }

  /** {@code metadata.KEY=VALUE} parameters: the versions whose metadata has all of them. */
  static Map<String, String> metadataFilter(MultiMap params) {
    for (String name : params.names()) {
      if (!name.startsWith(RunFilters.METADATA)) {
        throw new IllegalArgumentException(
            "unknown parameter '" + name + "'; versions takes metadata.KEY=VALUE");
      }
    }
    return RunFilters.metadata(params);
  }

  private void version(RoutingContext ctx) {
    String model = model(ctx);
    String wanted = ctx.pathParam("version");
    if (model != null) {
      blocking(ctx, () -> catalog.modelVersion(model, wanted))
          .onSuccess(
              found ->
                  found.ifPresentOrElse(
                      v -> ApiRouter.reply(ctx, 200, Map.of("version", v)),
                      () ->
                          ApiRouter.error(
                              ctx,
                              404,
                              "model '"
                                  + model
                                  + "' has no version or alias "
                                  + Checks.quote(wanted))));
    }
  }

  private void setAlias(RoutingContext ctx) {
    String model = model(ctx);
    if (model == null) {
      return;
    }
    String alias = ctx.pathParam("alias");
    int version;
    try {
      Catalog.checkAlias(alias);
      version = versionOf(ctx.body().asString("UTF-8"));
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return;
    }
    String by = SweepApi.submitter(ctx);
    blocking(ctx, () -> catalog.setModelAlias(model, alias, version, clock.millis(), by))
        .onSuccess(
            set -> {
              if (set) {
                ApiRouter.reply(
                    ctx, 200, Map.of("model", model, "alias", alias, "version", version));
              } else {
                ApiRouter.error(ctx, 404, "model '" + model + "' has no version " + version);
              }
            });
  }

  private void deleteAlias(RoutingContext ctx) {
    String model = model(ctx);
    String alias = ctx.pathParam("alias");
    if (model != null) {
      blocking(ctx, () -> catalog.deleteModelAlias(model, alias))
          .onSuccess(
              deleted -> {
                if (deleted) {
                  ctx.response().setStatusCode(204).end();
                } else {
                  ApiRouter.error(ctx, 404, "model '" + model + "' has no alias '" + alias + "'");
                }
              });
    }
  }

  /** The body {@code {"version": N}}'s N. */
  static int versionOf(String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || root.size() != 1 || !root.has("version")) {
      throw new IllegalArgumentException(
          "body must be {\"version\": N}: "
              + (root == null || root.isMissingNode() ? "empty" : root));
    }
    JsonNode v = root.get("version");
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      throw new IllegalArgumentException("version must be an integer >= 1: " + v);
    }
    return v.asInt();
  }

  /** The path's model, or null after answering 400. */
  private static String model(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    try {
      ModelName.check("model", model);
      return model;
    } catch (IllegalArgumentException e) {
      ApiRouter.error(ctx, 400, e.getMessage());
      return null;
    }
  }

  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return vertx.executeBlocking(work).onFailure(ctx::fail);
  }
}
