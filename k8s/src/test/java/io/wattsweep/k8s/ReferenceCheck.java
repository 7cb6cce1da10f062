package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Selectors and named ports, which no schema relates to anything: every selector selects pods (or
 * Services) in the overlay, or the pods its operators make; every port named by a probe, Service,
 * monitor or network policy is a port of the pods it reaches.
 */
final class ReferenceCheck {
  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    List<Pods.Template> templates = Pods.templates(resources);
    List<Map<String, String>> operatorPods = Pods.operatorPods(resources);
    for (Pods.Template t : templates) {
      probes(t, tally, out);
    }
    for (Resource r : resources) {
      switch (r.kind()) {
        case "Deployment" -> {
          tally.add("selectors");
          var labels = Pods.strings(r.at("/spec/template/metadata/labels"));
          if (!Pods.selects(r.at("/spec/selector"), labels)) {
            out.add(r.finding("spec.selector", "does not select its own pod template's labels"));
          }
        }
        case "Service" -> {
          List<Pods.Template> pods =
              select(r, r.at("/spec/selector"), "spec.selector", templates, List.of(), tally, out);
          JsonNode ports = r.at("/spec/ports");
          for (int i = 0; i < ports.size(); i++) {
            namedPort(
                r,
                "spec.ports[" + i + "].targetPort",
                ports.get(i).path("targetPort"),
                pods,
                tally,
                out);
          }
        }
        case "ServiceMonitor" -> serviceMonitor(r, resources, tally, out);
        case "PodMonitor" -> {
          List<Pods.Template> pods =
              select(r, r.at("/spec/selector"), "spec.selector", templates, List.of(), tally, out);
          JsonNode endpoints = r.at("/spec/podMetricsEndpoints");
          for (int i = 0; i < endpoints.size(); i++) {
            namedPort(
                r,
                "spec.podMetricsEndpoints[" + i + "].port",
                endpoints.get(i).path("port"),
                pods,
                tally,
                out);
          }
        }
        case "NetworkPolicy" -> networkPolicy(r, templates, operatorPods, tally, out);
        case "Kafka" -> {
          JsonNode listeners = r.at("/spec/kafka/listeners");
          for (int i = 0; i < listeners.size(); i++) {
            JsonNode peers = listeners.get(i).path("networkPolicyPeers");
            for (int j = 0; j < peers.size(); j++) {
              peer(
                  r,
                  peers.get(j),
                  "spec.kafka.listeners[" + i + "].networkPolicyPeers[" + j + "]",
                  templates,
                  operatorPods,
                  tally,
                  out);
            }
          }
        }
        default -> {}
      }
    }
  }

  private void probes(Pods.Template t, Tally tally, List<Finding> out) {
    JsonNode containers = t.spec().path("containers");
    for (int c = 0; c < containers.size(); c++) {
      Set<String> names = new HashSet<>();
      containers.get(c).path("ports").forEach(p -> names.add(p.path("name").asText()));
      for (String probe : new String[] {"startupProbe", "readinessProbe", "livenessProbe"}) {
        for (String handler : new String[] {"httpGet", "tcpSocket", "grpc"}) {
          JsonNode port = containers.get(c).path(probe).path(handler).path("port");
          if (port.isTextual()) {
            tally.add("named ports");
            if (!names.contains(port.asText())) {
              out.add(
                  t.owner()
                      .finding(
                          t.field("spec/containers[" + c + "]/" + probe + "/" + handler + "/port"),
                          "no container port named '" + port.asText() + "': " + names));
            }
          }
        }
      }
    }
  }

  private void serviceMonitor(
      Resource r, List<Resource> resources, Tally tally, List<Finding> out) {
    tally.add("selectors");
    var services =
        resources.stream()
            .filter(
                s ->
                    s.kind().equals("Service")
                        && s.namespace().equals(r.namespace())
                        && Pods.selects(
                            r.at("/spec/selector"), Pods.strings(s.at("/metadata/labels"))))
            .toList();
    if (services.isEmpty()) {
      out.add(r.finding("spec.selector", "selects no Service in " + r.namespace()));
      return;
    }
    JsonNode endpoints = r.at("/spec/endpoints");
    for (int i = 0; i < endpoints.size(); i++) {
      JsonNode port = endpoints.get(i).path("port");
      if (port.isTextual()) {
        tally.add("named ports");
        Set<String> names = new HashSet<>();
        services.forEach(s -> s.at("/spec/ports").forEach(p -> names.add(p.path("name").asText())));
        if (!names.contains(port.asText())) {
          out.add(
              r.finding(
                  "spec.endpoints[" + i + "].port",
                  "the selected Services have no port"
                      + " named '"
                      + port.asText()
                      + "': "
                      + names));
        }
      }
    }
  }

  private void networkPolicy(
      Resource r,
      List<Pods.Template> templates,
      List<Map<String, String>> operatorPods,
      Tally tally,
      List<Finding> out) {
    List<Pods.Template> pods =
        select(
            r, r.at("/spec/podSelector"), "spec.podSelector", templates, operatorPods, tally, out);
    for (String direction : new String[] {"ingress", "egress"}) {
      JsonNode rules = r.at("/spec/" + direction);
      for (int i = 0; i < rules.size(); i++) {
        String field = "spec." + direction + "[" + i + "]";
        JsonNode peers = rules.get(i).path(direction.equals("ingress") ? "from" : "to");
        for (int j = 0; j < peers.size(); j++) {
          peer(
              r,
              peers.get(j),
              field + (direction.equals("ingress") ? ".from[" : ".to[") + j + "]",
              templates,
              operatorPods,
              tally,
              out);
        }
        JsonNode ports = rules.get(i).path("ports");
        for (int k = 0; k < ports.size() && direction.equals("ingress"); k++) {
          namedPort(
              r, field + ".ports[" + k + "].port", ports.get(k).path("port"), pods, tally, out);
        }
      }
    }
  }

  // A peer in this namespace (no namespaceSelector) must select pods of the overlay or operators.
  private void peer(
      Resource r,
      JsonNode peer,
      String field,
      List<Pods.Template> templates,
      List<Map<String, String>> operatorPods,
      Tally tally,
      List<Finding> out) {
    if (peer.has("podSelector") && !peer.has("namespaceSelector")) {
      select(
          r, peer.path("podSelector"), field + ".podSelector", templates, operatorPods, tally, out);
    }
  }

  private List<Pods.Template> select(
      Resource r,
      JsonNode selector,
      String field,
      List<Pods.Template> templates,
      List<Map<String, String>> operatorPods,
      Tally tally,
      List<Finding> out) {
    tally.add("selectors");
    var selected = new ArrayList<Pods.Template>();
    for (Pods.Template t : templates) {
      if (t.owner().namespace().equals(r.namespace()) && Pods.selects(selector, t.labels())) {
        selected.add(t);
      }
    }
    boolean operator = operatorPods.stream().anyMatch(l -> Pods.selects(selector, l));
    if (selected.isEmpty() && !operator) {
      out.add(
          r.finding(
              field, "selects no pod of this overlay, nor one its operators make: " + selector));
    }
    return selected;
  }

  private void namedPort(
      Resource r,
      String field,
      JsonNode port,
      List<Pods.Template> pods,
      Tally tally,
      List<Finding> out) {
    if (!port.isTextual() || pods.isEmpty()) {
      return;
    }
    tally.add("named ports");
    for (Pods.Template t : pods) {
      if (!Containers.portNames(t).contains(port.asText())) {
        out.add(
            r.finding(
                field,
                t.owner().id()
                    + "'s pods have no port named '"
                    + port.asText()
                    + "': "
                    + Containers.portNames(t)));
      }
    }
  }
}
