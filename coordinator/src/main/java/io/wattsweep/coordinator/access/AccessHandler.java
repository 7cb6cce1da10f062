package io.wattsweep.coordinator.access;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each request against the {@link AccessPolicy} before any route sees it: no token or an
 * unknown one gets 401 with {@code WWW-Authenticate: Bearer}, a token whose role is too low 403
 * naming the role needed. A token comes in {@code Authorization: Bearer TOKEN}, or, for reads only,
 * in the cookie the dashboard's login sets: a browser sends cookies to any site's forms, so a
 * cookie never authorises a write.
 */
public final class AccessHandler implements Handler<RoutingContext> {
  /** The dashboard's cookie, set by {@link LoginPage}. */
  public static final String COOKIE = "wattsweep_token";

  private static final Logger LOG = LoggerFactory.getLogger(AccessHandler.class);
  private static final String CALLER = "wattsweep.caller";
  private static final String BEARER = "bearer ";

  private final AccessPolicy policy;

  public AccessHandler(AccessPolicy policy) {
    this.policy = policy;
  }

  /** Who sent the request, where tokens are configured and it showed a known one. */
  public static Optional<Caller> caller(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(CALLER));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Tokens tokens = policy.tokens();
    if (tokens == null) {
      ctx.next();
      return;
    }
    HttpServerRequest req = ctx.request();
    String path = ctx.normalizedPath();
    String token = token(req);
    Optional<Caller> caller = token == null ? Optional.empty() : tokens.find(token);
    caller.ifPresent(c -> ctx.put(CALLER, c));
    Optional<Role> needed = policy.required(req.method(), path);
    if (needed.isEmpty()) {
      ctx.next();
    } else if (caller.isEmpty()) {
      if (token != null) {
        LOG.warn("Refused {} {} from {}: unknown token", req.method(), path, req.remoteAddress());
      }
      unauthorized(ctx, path, token != null, needed.get());
    } else if (!caller.get().role().includes(needed.get())) {
      LOG.info(
          "Refused {} {} to {}: needs the {} role, has {}",
          req.method(),
          path,
          caller.get().identity(),
          needed.get().label(),
          caller.get().role().label());
      reply(
          ctx,
          403,
          "this call needs the '"
              + needed.get().label()
              + "' role; the token of '"
              + caller.get().identity()
              + "' has '"
              + caller.get().role().label()
              + "'");
    } else {
      ctx.next();
    }
  }

  /** The bearer token, else the dashboard's cookie on a read; null when there is neither. */
  private static String token(HttpServerRequest req) {
    String header = req.getHeader("Authorization");
    if (header != null) {
      // Any other scheme is a token we do not know.
      return header.regionMatches(true, 0, BEARER, 0, BEARER.length())
          ? header.substring(BEARER.length()).strip()
          : "";
    }
    if (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD) {
      Cookie cookie = req.getCookie(COOKIE);
      return cookie == null ? null : cookie.getValue();
    }
    return null;
  }

  private static void unauthorized(RoutingContext ctx, String path, boolean sent, Role needed) {
    ctx.response()
        .putHeader(
            "WWW-Authenticate",
            "Bearer realm=\"wattsweep\"" + (sent ? ", error=\"invalid_token\"" : ""));
    String message =
        sent
            ? "unknown token"
            : "this call needs a token with the '"
                + needed.label()
                + "' role: send it as"
                + " Authorization: Bearer TOKEN (the CLI sends $WATTSWEEP_TOKEN)";
    if (AccessPolicy.dashboardPage(path)) {
      ctx.response()
          .setStatusCode(401)
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .end(LoginPage.html(sent ? message : "The dashboard needs a token with the read role."));
    } else {
      reply(ctx, 401, message);
    }
  }

  private static void reply(RoutingContext ctx, int status, String error) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).encode());
  }
}
