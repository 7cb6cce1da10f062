package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Small reads of a container's fields. */
final class Containers {
  private Containers() {}

  /** The literal env values by name (valueFrom entries map to null). */
  static Map<String, String> env(JsonNode container) {
    var out = new LinkedHashMap<String, String>();
    for (JsonNode e : container.path("env")) {
      out.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : null);
    }
    return out;
  }

  static Set<String> portNames(Pods.Template t) {
    var out = new HashSet<String>();
    for (JsonNode c : t.containers()) {
      c.path("ports").forEach(p -> {
        if (p.has("name")) {
          out.add(p.path("name").asText());
        }
      });
    }
    return out;
  }

  /** The first container's env, where the service's settings are. */
  static Map<String, String> mainEnv(Pods.Template t) {
    return env(t.spec().path("containers").path(0));
  }
}
