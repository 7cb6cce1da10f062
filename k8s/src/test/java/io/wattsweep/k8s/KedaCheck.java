package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What KEDA's schema cannot see: a trigger's metadata is a plain string map, so a misspelt key
 * passes it; whether its authMode gets its credentials from a TriggerAuthentication of the overlay;
 * and whether a worker's trigger asks the coordinator's backlog for the class and GPU count that
 * its pods are, with a token where the coordinator has tokens, and its deadline leaves the job its
 * timeout.
 */
final class KedaCheck {
  /**
   * The metadata keys KEDA 2.20 reads, by trigger type (its scalers' metadata structs; for
   * metrics-api, authentication.Config's keys that may come from the metadata, and the trigger's
   * timeout). Secrets (token, password, ...) come only from a TriggerAuthentication.
   */
  static final Map<String, Set<String>> KEYS =
      Map.of(
          "metrics-api",
          Set.of(
              "url",
              "format",
              "valueLocation",
              "targetValue",
              "activationTargetValue",
              "unsafeSsl",
              "timeout",
              "aggregateFromKubeServiceEndpoints",
              "aggregationType",
              "authMode",
              "authModes",
              "method",
              "keyParamName",
              "apiKey"));

  /**
   * KEDA 2.20's authModes (authentication.Config) and the parameters each needs from the
   * TriggerAuthentication (or, for apiKey, the metadata); "a|b" is either.
   */
  static final Map<String, List<String>> AUTH_PARAMS =
      Map.of(
          "bearer", List.of("token|bearerToken"),
          "basic", List.of("username"),
          "apiKey", List.of("apiKey"),
          "tls", List.of("cert", "key", "ca"),
          "custom", List.of("customAuthHeader", "customAuthValue"),
          "oauth", List.of("oauthTokenURI", "clientID", "clientSecret"));

  static final Map<String, Set<String>> REQUIRED =
      Map.of("metrics-api", Set.of("url", "valueLocation", "targetValue"));
  static final Map<String, Set<String>> VALUES =
      Map.of(
          "format", Set.of("json", "xml", "yaml", "prometheus"),
          "aggregationType", Set.of("average", "sum", "max", "min"),
          "method", Set.of("header", "query"));
  static final String BACKLOG_PATH = "/api/v1/backlog";

  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    var templates = new HashMap<Resource, Pods.Template>();
    Pods.templates(resources).forEach(t -> templates.put(t.owner(), t));
    for (Resource r : resources) {
      if (!r.kind().equals("ScaledJob") && !r.kind().equals("ScaledObject")) {
        continue;
      }
      JsonNode triggers = r.at("/spec/triggers");
      for (int i = 0; i < triggers.size(); i++) {
        tally.add("KEDA triggers");
        metadata(r, triggers.get(i), "spec.triggers[" + i + "]", out);
        auth(r, triggers.get(i), "spec.triggers[" + i + "]", resources, tally, out);
      }
      if (r.kind().equals("ScaledJob")) {
        backlog(r, templates.get(r), resources, out);
        deadline(r, templates.get(r), out);
      }
    }
  }

  private void metadata(Resource r, JsonNode trigger, String field, List<Finding> out) {
    String type = trigger.path("type").asText();
    Set<String> keys = KEYS.get(type);
    if (keys == null) {
      out.add(
          r.finding(
              field + ".type",
              "no allow-list of metadata keys for trigger type '"
                  + type
                  + "': add KEDA's keys for it to KedaCheck.KEYS"));
      return;
    }
    JsonNode metadata = trigger.path("metadata");
    metadata
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!keys.contains(k)) {
                out.add(
                    r.finding(
                        field + ".metadata." + k,
                        "KEDA's "
                            + type
                            + " trigger has no key '"
                            + k
                            + "' (it would be ignored); its keys: "
                            + keys.stream().sorted().toList()));
              } else if (k.equals("authMode") || k.equals("authModes")) {
                for (String mode : modes(metadata.path(k).asText())) {
                  if (!AUTH_PARAMS.containsKey(mode)) {
                    out.add(
                        r.finding(
                            field + ".metadata." + k,
                            "'"
                                + mode
                                + "' is not one of "
                                + AUTH_PARAMS.keySet().stream().sorted().toList()));
                  }
                }
              } else if (VALUES.containsKey(k)
                  && !VALUES.get(k).contains(metadata.path(k).asText())) {
                out.add(
                    r.finding(
                        field + ".metadata." + k,
                        "'" + metadata.path(k).asText() + "' is not one of " + VALUES.get(k)));
              }
            });
    for (String k : REQUIRED.getOrDefault(type, Set.of())) {
      if (!metadata.has(k)) {
        out.add(r.finding(field + ".metadata." + k, "required by the " + type + " trigger"));
      }
    }
  }

  /**
   * An authMode's credentials: the trigger's authenticationRef names a TriggerAuthentication (or
   * ClusterTriggerAuthentication) of the overlay, in the trigger's namespace, that gives each
   * parameter the mode sends; and an authenticationRef without authMode sends nothing.
   */
  private void auth(
      Resource r,
      JsonNode trigger,
      String field,
      List<Resource> resources,
      Tally tally,
      List<Finding> out) {
    JsonNode metadata = trigger.path("metadata");
    List<String> modes = modes(metadata);
    JsonNode ref = trigger.path("authenticationRef");
    if (modes.isEmpty()) {
      if (ref.isObject() && trigger.path("type").asText().equals("metrics-api")) {
        out.add(
            r.finding(
                field + ".metadata",
                "an authenticationRef but no authMode: KEDA's"
                    + " metrics-api trigger sends no credentials without one"));
      }
      return;
    }
    tally.add("KEDA authentications");
    if (!ref.isObject()) {
      out.add(
          r.finding(
              field + ".authenticationRef",
              "missing: authMode "
                  + modes
                  + " takes its credentials from a TriggerAuthentication"));
      return;
    }
    String kind = ref.path("kind").asText("TriggerAuthentication");
    String name = ref.path("name").asText();
    Resource auth =
        resources.stream()
            .filter(
                a ->
                    a.kind().equals(kind)
                        && a.name().equals(name)
                        && (kind.equals("ClusterTriggerAuthentication")
                            || a.namespace().equals(r.namespace())))
            .findFirst()
            .orElse(null);
    if (auth == null) {
      out.add(
          r.finding(
              field + ".authenticationRef.name",
              "no "
                  + kind
                  + " '"
                  + name
                  + "'"
                  + (kind.equals("TriggerAuthentication") ? " in namespace " + r.namespace() : "")
                  + " in this overlay"));
      return;
    }
    Set<String> given = new TreeSet<>();
    for (String source : new String[] {"secretTargetRef", "configMapTargetRef", "env"}) {
      auth.at("/spec/" + source).forEach(p -> given.add(p.path("parameter").asText()));
    }
    if (metadata.has("apiKey")) {
      given.add("apiKey");
    }
    for (String mode : modes) {
      for (String param : AUTH_PARAMS.getOrDefault(mode, List.of())) {
        if (Arrays.stream(param.split("\\|")).noneMatch(given::contains)) {
          out.add(
              r.finding(
                  field + ".authenticationRef.name",
                  kind
                      + " "
                      + name
                      + " gives no '"
                      + param
                      + "' parameter, which authMode "
                      + mode
                      + " sends; it gives "
                      + given));
        }
      }
    }
  }

  /** The trigger's authMode and authModes, as KEDA reads them (either key, comma-separated). */
  private static List<String> modes(JsonNode metadata) {
    var out = new ArrayList<>(modes(metadata.path("authMode").asText("")));
    out.addAll(modes(metadata.path("authModes").asText("")));
    return out;
  }

  private static List<String> modes(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
  }

  private void backlog(Resource r, Pods.Template pod, List<Resource> resources, List<Finding> out) {
    JsonNode trigger = r.at("/spec/triggers/0/metadata");
    String field = "spec.triggers[0].metadata.url";
    URI url;
    try {
      url = URI.create(trigger.path("url").asText());
    } catch (IllegalArgumentException e) {
      out.add(r.finding(field, "not a URL: " + trigger.path("url").asText()));
      return;
    }
    if (!BACKLOG_PATH.equals(url.getPath())) {
      out.add(
          r.finding(
              field,
              "workers scale on the coordinator's "
                  + BACKLOG_PATH
                  + " (not on Kafka lag), not on "
                  + url.getPath()));
      return;
    }
    // KEDA calls from its own namespace: the host must name the Service's namespace.
    String[] host = url.getHost().split("\\.");
    Resource service =
        resources.stream()
            .filter(
                s ->
                    s.kind().equals("Service")
                        && s.name().equals(host[0])
                        && host.length > 1
                        && s.namespace().equals(host[1]))
            .findFirst()
            .orElse(null);
    if (service == null) {
      out.add(
          r.finding(
              field,
              "no Service '"
                  + url.getHost()
                  + "' (SERVICE.NAMESPACE, as KEDA"
                  + " resolves it from its own namespace) in this overlay"));
    } else {
      boolean port = false;
      for (JsonNode p : service.at("/spec/ports")) {
        port |= p.path("port").asInt() == url.getPort();
      }
      if (!port) {
        out.add(r.finding(field, "Service " + service.name() + " has no port " + url.getPort()));
      }
      boolean tokens =
          Pods.templates(resources).stream()
              .anyMatch(
                  t ->
                      t.owner().namespace().equals(service.namespace())
                          && Pods.selects(service.at("/spec/selector"), t.labels())
                          && Containers.mainEnv(t).containsKey(ApiAccessCheck.TOKENS_FILE));
      if (tokens && !modes(trigger).contains("bearer")) {
        out.add(
            r.finding(
                "spec.triggers[0].metadata.authMode",
                "the coordinator behind "
                    + service.name()
                    + " has tokens ("
                    + ApiAccessCheck.TOKENS_FILE
                    + "): its backlog"
                    + " answers 401 to KEDA without a read token; set authMode: bearer and an"
                    + " authenticationRef to a TriggerAuthentication that gives the token"));
      }
    }
    Map<String, String> query = new HashMap<>();
    for (String pair : String.valueOf(url.getQuery()).split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    String podClass = Containers.mainEnv(pod).get("WATTSWEEP_GPU_CLASS");
    if (!String.valueOf(podClass).equals(query.get("gpuClass"))) {
      out.add(
          r.finding(
              field,
              "asks the backlog of gpuClass="
                  + query.get("gpuClass")
                  + " but its pods are WATTSWEEP_GPU_CLASS="
                  + podClass));
    }
    String labelClass = pod.labels().get("wattsweep.io/gpu-class");
    if (!String.valueOf(podClass).equals(labelClass)) {
      out.add(
          r.finding(
              pod.field("metadata/labels/wattsweep.io~1gpu-class").replace("~1", "/"),
              "label " + labelClass + " but WATTSWEEP_GPU_CLASS=" + podClass));
    }
    JsonNode gpus =
        pod.spec()
            .path("containers")
            .path(0)
            .path("resources")
            .path("limits")
            .path("nvidia.com/gpu");
    String podGpus = gpus.isMissingNode() ? "1" : gpus.asText();
    if (!podGpus.equals(query.get("gpus"))) {
      out.add(
          r.finding(
              field,
              "asks the backlog of gpus="
                  + query.get("gpus")
                  + " but its pods get "
                  + podGpus
                  + " (limits nvidia.com/gpu)"));
    }
    if (!"queued".equals(trigger.path("valueLocation").asText())) {
      out.add(
          r.finding(
              "spec.triggers[0].metadata.valueLocation",
              "the backlog's count of jobs waiting for a worker is 'queued'"));
    }
  }

  private void deadline(Resource r, Pods.Template pod, List<Finding> out) {
    String timeout = Containers.mainEnv(pod).get("WATTSWEEP_JOB_TIMEOUT_MS");
    JsonNode deadline = r.at("/spec/jobTargetRef/activeDeadlineSeconds");
    if (timeout == null) {
      out.add(
          r.finding(
              pod.field("spec/containers[0]/env"),
              "set WATTSWEEP_JOB_TIMEOUT_MS,"
                  + " so that activeDeadlineSeconds can be checked against it"));
    } else if (!deadline.isIntegralNumber()) {
      out.add(
          r.finding(
              "spec.jobTargetRef.activeDeadlineSeconds",
              "missing: a stuck pod" + " would hold its GPUs forever"));
    } else {
      long grace = pod.spec().path("terminationGracePeriodSeconds").asLong(30);
      if (deadline.asLong() * 1000 <= Long.parseLong(timeout) + grace * 1000) {
        out.add(
            r.finding(
                "spec.jobTargetRef.activeDeadlineSeconds",
                deadline.asLong()
                    + " s does not leave the job its WATTSWEEP_JOB_TIMEOUT_MS ("
                    + timeout
                    + " ms) and the "
                    + grace
                    + " s grace to release it"));
      }
    }
  }
}
