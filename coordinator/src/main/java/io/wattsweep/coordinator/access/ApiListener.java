package io.wattsweep.coordinator.access;

import io.wattsweep.common.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where the API listens and who may use it. Without tokens it listens on 127.0.0.1 only and takes
 * every request from this machine (a sweep's submitter is then what the client's {@code
 * X-Wattsweep-User} header says); other interfaces without tokens need {@code --insecure}.
 *
 * @param host WATTSWEEP_HTTP_HOST: the address to listen on; 0.0.0.0 (every interface) by default
 *     with tokens or {@code --insecure}, else 127.0.0.1
 * @param insecure WATTSWEEP_INSECURE=true or the flag {@code --insecure}: listen beyond loopback
 *     without tokens, every request allowed (logged as a warning at start-up)
 * @param tlsCertFile WATTSWEEP_TLS_CERT_FILE: the server's certificate chain in PEM; with
 *     WATTSWEEP_TLS_KEY_FILE the API speaks HTTPS only; unset (both) means plain HTTP
 * @param tlsKeyFile WATTSWEEP_TLS_KEY_FILE: its private key in PEM (PKCS#8 or PKCS#1)
 * @param policy WATTSWEEP_TOKENS_FILE (the tokens, see {@link Tokens}; unset means none),
 *     WATTSWEEP_OPEN_METRICS (default true: {@code /metrics} needs no token, as Prometheus scrapes
 *     it) and WATTSWEEP_OPEN_DASHBOARD (default false: the dashboard needs a read token)
 */
public record ApiListener(
    String host, boolean insecure, Path tlsCertFile, Path tlsKeyFile, AccessPolicy policy) {
  public static final String TOKENS_FILE = "WATTSWEEP_TOKENS_FILE";

  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "[::1]", "localhost");

  public ApiListener {
    if (!loopback(host) && policy.tokens() == null && !insecure) {
      throw new IllegalArgumentException(
          "WATTSWEEP_HTTP_HOST="
              + host
              + " without "
              + TOKENS_FILE
              + " needs --insecure (or WATTSWEEP_INSECURE=true): anyone who reaches"
              + " the port could submit sweeps and move model aliases");
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException(
          "WATTSWEEP_TLS_CERT_FILE and WATTSWEEP_TLS_KEY_FILE go"
              + " together: only "
              + (tlsCertFile == null ? "WATTSWEEP_TLS_KEY_FILE" : "WATTSWEEP_TLS_CERT_FILE")
              + " is set");
    }
    readable("WATTSWEEP_TLS_CERT_FILE", tlsCertFile);
    readable("WATTSWEEP_TLS_KEY_FILE", tlsKeyFile);
  }

  /** The settings from the environment; {@code insecureFlag} is the command line's. */
  public static ApiListener fromEnv(Env env, boolean insecureFlag) {
    String tokensFile = env.string(TOKENS_FILE, null);
    Tokens tokens;
    try {
      tokens = tokensFile == null ? null : Tokens.load(Path.of(tokensFile));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(TOKENS_FILE + " " + e.getMessage());
    }
    boolean insecure = insecureFlag || env.bool("WATTSWEEP_INSECURE", false);
    String cert = env.string("WATTSWEEP_TLS_CERT_FILE", null);
    String key = env.string("WATTSWEEP_TLS_KEY_FILE", null);
    return new ApiListener(
        env.string("WATTSWEEP_HTTP_HOST", tokens != null || insecure ? "0.0.0.0" : "127.0.0.1"),
        insecure,
        cert == null ? null : Path.of(cert),
        key == null ? null : Path.of(key),
        new AccessPolicy(
            tokens,
            env.bool("WATTSWEEP_OPEN_METRICS", true),
            env.bool("WATTSWEEP_OPEN_DASHBOARD", false)));
  }

  public boolean tls() {
    return tlsCertFile != null;
  }

  /** {@code http} or {@code https}. */
  public String scheme() {
    return tls() ? "https" : "http";
  }

  /** What an operator must hear at start-up, loudly: each line is logged as a warning. */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    if (policy.tokens() == null && !loopback(host)) {
      out.add(
          "INSECURE: the API listens on "
              + host
              + " WITHOUT TOKENS: anyone who reaches"
              + " its port may submit sweeps (GPU hours) and move model aliases; set "
              + TOKENS_FILE
              + " instead of --insecure");
    }
    if (policy.tokens() != null && !tls() && !loopback(host)) {
      out.add(
          "tokens cross the network in clear text: set WATTSWEEP_TLS_CERT_FILE and"
              + " WATTSWEEP_TLS_KEY_FILE, or put TLS in front of the API");
    }
    if (policy.tokens() != null && insecure) {
      out.add("--insecure is ignored: tokens are configured");
    }
    return out;
  }

  /** One line for the start-up log. */
  public String describe() {
    return policy.tokens() == null
        ? "no tokens: every request from "
            + (loopback(host) ? "this machine" : "anywhere")
            + " is allowed, and a sweep's submitter is what its X-Wattsweep-User header says"
        : policy.tokens()
            + (policy.openMetrics() ? ", /metrics open" : ", /metrics needs read")
            + (policy.openDashboard() ? ", dashboard open" : ", dashboard needs read");
  }

  private static boolean loopback(String host) {
    return LOOPBACK.contains(host) || host.startsWith("127.");
  }

  private static void readable(String key, Path file) {
    if (file != null && !Files.isReadable(file)) {
      throw new IllegalArgumentException(key + " is not a readable file: '" + file + "'");
    }
  }
}
