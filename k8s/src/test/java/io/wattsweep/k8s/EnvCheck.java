package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Every WATTSWEEP_* variable a pod sets is one the services read: a misspelt one does nothing. */
final class EnvCheck {
  private final CodeFacts code;

  EnvCheck(CodeFacts code) {
    this.code = code;
  }

  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    for (Pods.Template t : Pods.templates(resources)) {
      JsonNode containers = t.spec().path("containers");
      for (int c = 0; c < containers.size(); c++) {
        JsonNode env = containers.get(c).path("env");
        for (int i = 0; i < env.size(); i++) {
          String name = env.get(i).path("name").asText();
          if (name.startsWith("WATTSWEEP_")) {
            tally.add("WATTSWEEP_ variables");
            if (!code.settings().contains(name)) {
              out.add(
                  t.owner()
                      .finding(
                          t.field("spec/containers[" + c + "]/env[" + i + "]/name"),
                          name
                              + " is read by no service (their settings: "
                              + code.settings()
                              + ")"));
            }
          }
        }
      }
    }
  }
}
