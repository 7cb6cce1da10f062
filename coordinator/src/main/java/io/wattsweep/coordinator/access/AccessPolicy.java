package io.wattsweep.coordinator.access;

import io.vertx.core.http.HttpMethod;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which role each request needs. Reads need {@link Role#READ}, submitting a sweep {@link
 * Role#SUBMIT}, and every other write {@link Role#ADMIN}, so a route added later is never open by
 * mistake. {@code /health} and the dashboard's login are open; {@code /metrics} and the dashboard
 * are open where the operator says so.
 *
 * @param tokens the tokens callers show; null when none are configured, and then every request is
 *     open (the API listens on loopback only, unless started with {@code --insecure})
 * @param openMetrics whether {@code /metrics} needs no token
 * @param openDashboard whether the dashboard needs no token: its page and assets, its live streams,
 *     report files, and the sweep list and results it shows ({@code GET /api/v1/sweeps[/ID]})
 */
public record AccessPolicy(Tokens tokens, boolean openMetrics, boolean openDashboard) {
  /** Where the dashboard takes a token and sets it as a cookie. */
  public static final String LOGIN_PATH = "/dashboard/login";

  private static final Pattern DASHBOARD_READS =
      Pattern.compile("/api/v1/live|/api/v1/sweeps(/[^/]+(/live)?)?");

  /** The role {@code method} on {@code path} (normalised) needs; empty when it is open. */
  public Optional<Role> required(HttpMethod method, String path) {
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD;
    if (tokens == null
        || path.equals("/health")
        || path.equals(LOGIN_PATH)
        || read && (path.equals("/metrics") && openMetrics || dashboard(path) && openDashboard)) {
      return Optional.empty();
    }
    if (read) {
      return Optional.of(Role.READ);
    }
    return Optional.of(
        method == HttpMethod.POST && path.equals("/api/v1/sweeps") ? Role.SUBMIT : Role.ADMIN);
  }

  /** The dashboard's page, assets and reports, and the API reads its script makes. */
  static boolean dashboard(String path) {
    return path.equals("/")
        || path.equals("/dashboard")
        || path.startsWith("/dashboard/")
        || DASHBOARD_READS.matcher(path).matches();
  }

  /** The dashboard's page itself, which a browser opens: it gets a login form, not JSON. */
  static boolean dashboardPage(String path) {
    return path.equals("/")
        || path.equals("/dashboard")
        || path.equals("/dashboard/")
        || path.equals("/dashboard/index.html");
  }
}
