package io.wattsweep.coordinator.access;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The dashboard's login, where tokens are configured: a form at {@link AccessPolicy#LOGIN_PATH}
 * takes a token and, if it is known, sets it as an HttpOnly, SameSite=Strict cookie (Secure over
 * HTTPS) that the page, its API reads and its live stream then carry; a browser cannot put a header
 * on a page load or an EventSource. The cookie lasts until the browser closes.
 */
public final class LoginPage {
  private static final long MAX_BODY_BYTES = 4096;

  private final Tokens tokens;
  private final boolean secureCookie;

  public LoginPage(Tokens tokens, boolean secureCookie) {
    this.tokens = tokens;
    this.secureCookie = secureCookie;
  }

  /** Adds the form's routes; before the dashboard's, whose {@code /dashboard/:file} would match. */
  public void mount(Router router) {
    router.get(AccessPolicy.LOGIN_PATH).handler(ctx -> page(ctx, 200, null));
    router
        .post(AccessPolicy.LOGIN_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(this::login);
  }

  private void login(RoutingContext ctx) {
    String token = ctx.request().getFormAttribute("token");
    if (token == null || tokens.find(token.strip()).isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"wattsweep\"");
      page(ctx, 401, "unknown token");
      return;
    }
    ctx.response()
        .addCookie(
            Cookie.cookie(AccessHandler.COOKIE, token.strip())
                .setPath("/")
                .setHttpOnly(true)
                .setSecure(secureCookie)
                .setSameSite(CookieSameSite.STRICT))
        .setStatusCode(303)
        .putHeader("Location", "/dashboard/")
        .end();
  }

  private static void page(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(html(message));
  }

  /** The form, with a line above it; {@code message} is ours, never a client's text. */
  static String html(String message) {
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>wattsweep: log in</title></head>
        <body><h1>wattsweep</h1>
        <p>%s</p>
        <form method="post" action="%s">
          <label>Token <input type="password" name="token" autocomplete="off" autofocus></label>
          <button type="submit">Log in</button>
        </form></body></html>
        """
        .formatted(
            message == null ? "Log in with a token with the read role (or higher)." : message,
            AccessPolicy.LOGIN_PATH);
  }
}
