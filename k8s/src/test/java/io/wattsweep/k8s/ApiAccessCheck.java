package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coordinator's API in a cluster (README, "Security"): it listens beyond loopback only with
 * tokens (WATTSWEEP_TOKENS_FILE) or --insecure, and a Service, KEDA and the probes must reach it;
 * so its pods read a tokens file from a mounted Secret, are not insecure, and probe only paths that
 * need no token (/health; /metrics unless WATTSWEEP_OPEN_METRICS=false). Whether KEDA's backlog
 * trigger sends a token is {@link KedaCheck}'s.
 */
final class ApiAccessCheck {
  static final String TOKENS_FILE = "WATTSWEEP_TOKENS_FILE";
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "[::1]", "localhost");

  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    for (Pods.Template t : Pods.templates(resources)) {
      JsonNode container = t.spec().path("containers").path(0);
      Map<String, String> env = Containers.env(container);
      if (!env.containsKey("WATTSWEEP_HTTP_PORT")) {
        continue;
      }
      tally.add("API access");
      Resource owner = t.owner();
      String host = env.get("WATTSWEEP_HTTP_HOST");
      boolean insecure = "true".equalsIgnoreCase(env.get("WATTSWEEP_INSECURE"));
      if (!env.containsKey(TOKENS_FILE)) {
        out.add(
            owner.finding(
                Containers.envField(t, TOKENS_FILE),
                insecure
                    ? "WATTSWEEP_INSECURE=true without tokens: anyone who reaches the Service may submit"
                        + " sweeps and move model aliases; mount a tokens file from a Secret instead"
                    : "unset: without tokens the API listens on 127.0.0.1 only, out of reach of its"
                        + " Service, KEDA and the probes"));
      } else if (Containers.secretFile(t, container, env.get(TOKENS_FILE)) == null) {
        out.add(
            owner.finding(
                Containers.envField(t, TOKENS_FILE) + ".value",
                "'"
                    + env.get(TOKENS_FILE)
                    + "' is no file of a mounted Secret volume: the tokens'"
                    + " hashes come from a Secret that the installer creates"));
      }
      if (host != null && (LOOPBACK.contains(host) || host.startsWith("127."))) {
        out.add(
            owner.finding(
                Containers.envField(t, "WATTSWEEP_HTTP_HOST") + ".value",
                host + " is loopback: out of reach of the Service, KEDA and the probes"));
      }
      boolean openMetrics = !"false".equalsIgnoreCase(env.get("WATTSWEEP_OPEN_METRICS"));
      for (String probe : new String[] {"startupProbe", "readinessProbe", "livenessProbe"}) {
        JsonNode path = container.path(probe).path("httpGet").path("path");
        if (path.isTextual()
            && !path.asText().equals("/health")
            && !(openMetrics && path.asText().equals("/metrics"))) {
          out.add(
              owner.finding(
                  t.field("spec/containers[0]/" + probe + "/httpGet/path"),
                  "'"
                      + path.asText()
                      + "' needs a token, which the kubelet does not send: probe /health"));
        }
      }
    }
  }
}
