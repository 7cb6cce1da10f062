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
      c.path("ports")
          .forEach(
              p -> {
                if (p.has("name")) {
                  out.add(p.path("name").asText());
                }
              });
    }
    return out;
  }

  /** A Secret's key, as a file a container reads. */
  record SecretKey(String secret, String key) {
    @Override
    public String toString() {
      return "Secret " + secret + ", key " + key;
    }
  }

  /**
   * The Secret key that {@code path} is in {@code container} of {@code t}: a file under the mount
   * of a secret volume (its items' paths, or the keys themselves without items); null when the path
   * is under no such mount, or names no item.
   */
  static SecretKey secretFile(Pods.Template t, JsonNode container, String path) {
    if (path == null) {
      return null;
    }
    for (JsonNode mount : container.path("volumeMounts")) {
      String dir = mount.path("mountPath").asText();
      if (mount.has("subPath") || !path.startsWith(dir + "/")) {
        continue;
      }
      String file = path.substring(dir.length() + 1);
      for (JsonNode volume : t.spec().path("volumes")) {
        JsonNode secret = volume.path("secret");
        if (!volume.path("name").asText().equals(mount.path("name").asText())
            || !secret.isObject()) {
          continue;
        }
        String name = secret.path("secretName").asText();
        if (!secret.has("items")) {
          return file.contains("/") ? null : new SecretKey(name, file);
        }
        for (JsonNode item : secret.path("items")) {
          if (item.path("path").asText().equals(file)) {
            return new SecretKey(name, item.path("key").asText());
          }
        }
      }
    }
    return null;
  }

  /** The Secret key an env entry takes its value from (valueFrom.secretKeyRef); else null. */
  static SecretKey secretRef(JsonNode container, String variable) {
    for (JsonNode e : container.path("env")) {
      JsonNode ref = e.path("valueFrom").path("secretKeyRef");
      if (e.path("name").asText().equals(variable) && ref.isObject()) {
        return new SecretKey(ref.path("name").asText(), ref.path("key").asText());
      }
    }
    return null;
  }

  /** The field of the env entry {@code variable} in {@code t}'s first container. */
  static String envField(Pods.Template t, String variable) {
    JsonNode env = t.spec().path("containers").path(0).path("env");
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i).path("name").asText().equals(variable)) {
        return t.field("spec/containers[0]/env[" + i + "]");
      }
    }
    return t.field("spec/containers[0]/env") + "." + variable;
  }

  /** The first container's env, where the service's settings are. */
  static Map<String, String> mainEnv(Pods.Template t) {
    return env(t.spec().path("containers").path(0));
  }
}
