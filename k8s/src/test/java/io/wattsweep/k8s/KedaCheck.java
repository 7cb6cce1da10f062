package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What KEDA's schema cannot see: a trigger's metadata is a plain string map, so a misspelt key
 * passes it; and whether a worker's trigger asks the coordinator's backlog for the class and GPU
 * count that its pods are, and its deadline leaves the job its timeout.
 */
final class KedaCheck {
  /** The metadata keys KEDA 2.20 reads, by trigger type (its scalers' metadata structs). */
  static final Map<String, Set<String>> KEYS = Map.of("metrics-api", Set.of("url", "format",
      "valueLocation", "targetValue", "activationTargetValue", "unsafeSsl",
      "aggregateFromKubeServiceEndpoints", "aggregationType", "authMode", "authModes", "method",
      "keyParamName", "apiKey"));
  static final Map<String, Set<String>> REQUIRED = Map.of(
      "metrics-api", Set.of("url", "valueLocation", "targetValue"));
  static final Map<String, Set<String>> VALUES = Map.of(
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
      out.add(r.finding(field + ".type", "no allow-list of metadata keys for trigger type '"
          + type + "': add KEDA's keys for it to KedaCheck.KEYS"));
      return;
    }
    JsonNode metadata = trigger.path("metadata");
    metadata.fieldNames().forEachRemaining(k -> {
      if (!keys.contains(k)) {
        out.add(r.finding(field + ".metadata." + k, "KEDA's " + type
            + " trigger has no key '" + k + "' (it would be ignored); its keys: "
            + keys.stream().sorted().toList()));
      } else if (VALUES.containsKey(k) && !VALUES.get(k).contains(metadata.path(k).asText())) {
        out.add(r.finding(field + ".metadata." + k, "'" + metadata.path(k).asText()
            + "' is not one of " + VALUES.get(k)));
      }
    });
    for (String k : REQUIRED.getOrDefault(type, Set.of())) {
      if (!metadata.has(k)) {
        out.add(r.finding(field + ".metadata." + k, "required by the " + type + " trigger"));
      }
    }
  }

  private void backlog(Resource r, Pods.Template pod, List<Resource> resources,
      List<Finding> out) {
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
      out.add(r.finding(field, "workers scale on the coordinator's " + BACKLOG_PATH
          + " (not on Kafka lag), not on " + url.getPath()));
      return;
    }
    // KEDA calls from its own namespace: the host must name the Service's namespace.
    String[] host = url.getHost().split("\\.");
    Resource service = resources.stream().filter(s -> s.kind().equals("Service")
        && s.name().equals(host[0]) && host.length > 1 && s.namespace().equals(host[1]))
        .findFirst().orElse(null);
    if (service == null) {
      out.add(r.finding(field, "no Service '" + url.getHost() + "' (SERVICE.NAMESPACE, as KEDA"
          + " resolves it from its own namespace) in this overlay"));
    } else {
      boolean port = false;
      for (JsonNode p : service.at("/spec/ports")) {
        port |= p.path("port").asInt() == url.getPort();
      }
      if (!port) {
        out.add(r.finding(field, "Service " + service.name() + " has no port " + url.getPort()));
      }
    }
    Map<String, String> query = new HashMap<>();
    for (String pair : String.valueOf(url.getQuery()).split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    String podClass = Containers.mainEnv(pod).get("WATTSWEEP_GPU_CLASS");
    if (!String.valueOf(podClass).equals(query.get("gpuClass"))) {
      out.add(r.finding(field, "asks the backlog of gpuClass=" + query.get("gpuClass")
          + " but its pods are WATTSWEEP_GPU_CLASS=" + podClass));
    }
    String labelClass = pod.labels().get("wattsweep.io/gpu-class");
    if (!String.valueOf(podClass).equals(labelClass)) {
      out.add(r.finding(pod.field("metadata/labels/wattsweep.io~1gpu-class").replace("~1", "/"),
          "label " + labelClass + " but WATTSWEEP_GPU_CLASS=" + podClass));
    }
    JsonNode gpus = pod.spec().path("containers").path(0).path("resources").path("limits")
        .path("nvidia.com/gpu");
    String podGpus = gpus.isMissingNode() ? "1" : gpus.asText();
    if (!podGpus.equals(query.get("gpus"))) {
      out.add(r.finding(field, "asks the backlog of gpus=" + query.get("gpus")
          + " but its pods get " + podGpus + " (limits nvidia.com/gpu)"));
    }
    if (!"queued".equals(trigger.path("valueLocation").asText())) {
      out.add(r.finding("spec.triggers[0].metadata.valueLocation",
          "the backlog's count of jobs waiting for a worker is 'queued'"));
    }
  }

  private void deadline(Resource r, Pods.Template pod, List<Finding> out) {
    String timeout = Containers.mainEnv(pod).get("WATTSWEEP_JOB_TIMEOUT_MS");
    JsonNode deadline = r.at("/spec/jobTargetRef/activeDeadlineSeconds");
    if (timeout == null) {
      out.add(r.finding(pod.field("spec/containers[0]/env"), "set WATTSWEEP_JOB_TIMEOUT_MS,"
          + " so that activeDeadlineSeconds can be checked against it"));
    } else if (!deadline.isIntegralNumber()) {
      out.add(r.finding("spec.jobTargetRef.activeDeadlineSeconds", "missing: a stuck pod"
          + " would hold its GPUs forever"));
    } else {
      long grace = pod.spec().path("terminationGracePeriodSeconds").asLong(30);
      if (deadline.asLong() * 1000 <= Long.parseLong(timeout) + grace * 1000) {
        out.add(r.finding("spec.jobTargetRef.activeDeadlineSeconds", deadline.asLong()
            + " s does not leave the job its WATTSWEEP_JOB_TIMEOUT_MS (" + timeout
            + " ms) and the " + grace + " s grace to release it"));
      }
    }
  }
}
