package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The pod templates of the rendered resources, and the pods the operators make. */
final class Pods {
  private Pods() {}

  /** A pod template: its owner, the JSON pointer of the template, its labels and spec. */
  record Template(Resource owner, String pointer, Map<String, String> labels, JsonNode spec) {
    String field(String rest) {
      return (pointer + "/" + rest).substring(1).replace('/', '.');
    }

    List<JsonNode> containers() {
      var out = new ArrayList<JsonNode>();
      spec.path("initContainers").forEach(out::add);
      spec.path("containers").forEach(out::add);
      return out;
    }
  }

  static List<Template> templates(List<Resource> resources) {
    var out = new ArrayList<Template>();
    for (Resource r : resources) {
      String pointer =
          switch (r.kind()) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> "/spec/template";
            case "CronJob" -> "/spec/jobTemplate/spec/template";
            case "ScaledJob" -> "/spec/jobTargetRef/template";
            default -> null;
          };
      if (pointer != null) {
        JsonNode t = r.at(pointer);
        out.add(
            new Template(r, pointer, strings(t.path("metadata").path("labels")), t.path("spec")));
      }
    }
    return out;
  }

  /**
   * The labels of the pods that the operators create for the custom resources: Strimzi's brokers
   * and controllers, CloudNativePG's instances. Selectors may name these as well as templates.
   */
  static List<Map<String, String>> operatorPods(List<Resource> resources) {
    var out = new ArrayList<Map<String, String>>();
    for (Resource r : resources) {
      if (r.kind().equals("KafkaNodePool")) {
        String cluster = r.at("/metadata/labels/strimzi.io~1cluster").asText();
        var labels =
            new HashMap<>(
                Map.of(
                    "strimzi.io/cluster",
                    cluster,
                    "strimzi.io/kind",
                    "Kafka",
                    "strimzi.io/name",
                    cluster + "-kafka",
                    "strimzi.io/pool-name",
                    r.name()));
        r.at("/spec/roles")
            .forEach(role -> labels.put("strimzi.io/" + role.asText() + "-role", "true"));
        out.add(labels);
      } else if (r.kind().equals("Cluster") && r.group().equals("postgresql.cnpg.io")) {
        out.add(Map.of("cnpg.io/cluster", r.name(), "cnpg.io/podRole", "instance"));
      }
    }
    return out;
  }

  static Map<String, String> strings(JsonNode map) {
    var out = new HashMap<String, String>();
    map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Whether a label selector (matchLabels and matchExpressions) selects these labels. */
  static boolean selects(JsonNode selector, Map<String, String> labels) {
    JsonNode matchLabels =
        selector.has("matchLabels") || selector.has("matchExpressions")
            ? selector.path("matchLabels")
            : selector;
    var it = matchLabels.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      var values = new ArrayList<String>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      boolean ok =
          switch (expr.path("operator").asText()) {
            case "In" -> values.contains(labels.get(key));
            case "NotIn" -> !values.contains(labels.get(key));
            case "Exists" -> labels.containsKey(key);
            case "DoesNotExist" -> !labels.containsKey(key);
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
