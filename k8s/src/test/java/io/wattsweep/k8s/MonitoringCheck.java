package io.wattsweep.k8s;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alerts and recording rules name Prometheus jobs (job="wattsweep-worker"): the monitors must
 * give the targets those job names, or the alerts watch nothing.
 */
final class MonitoringCheck {
  private static final Pattern JOB = Pattern.compile("\\bjob=\"([^\"]+)\"");

  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    Set<String> jobs = new TreeSet<>();
    for (Resource r : resources) {
      if (r.kind().equals("ServiceMonitor")) {
        resources.stream()
            .filter(
                s ->
                    s.kind().equals("Service")
                        && Pods.selects(
                            r.at("/spec/selector"), Pods.strings(s.at("/metadata/labels"))))
            .forEach(
                s ->
                    jobs.add(
                        r.at("/spec/jobLabel").isMissingNode()
                            ? s.name()
                            : Pods.strings(s.at("/metadata/labels"))
                                .get(r.at("/spec/jobLabel").asText())));
      } else if (r.kind().equals("PodMonitor")) {
        String label = r.at("/spec/jobLabel").asText(null);
        for (Pods.Template t : Pods.templates(resources)) {
          if (Pods.selects(r.at("/spec/selector"), t.labels())) {
            jobs.add(label == null ? r.namespace() + "/" + r.name() : t.labels().get(label));
          }
        }
      }
    }
    for (Resource r : resources) {
      if (!r.kind().equals("PrometheusRule")) {
        continue;
      }
      var groups = r.at("/spec/groups");
      for (int g = 0; g < groups.size(); g++) {
        var rules = groups.get(g).path("rules");
        for (int i = 0; i < rules.size(); i++) {
          Matcher m = JOB.matcher(rules.get(i).path("expr").asText());
          while (m.find()) {
            tally.add("rule job names");
            if (!jobs.contains(m.group(1))) {
              out.add(
                  r.finding(
                      "spec.groups[" + g + "].rules[" + i + "].expr",
                      "job \"" + m.group(1) + "\" is no monitor's job; they give " + jobs));
            }
          }
        }
      }
    }
  }
}
