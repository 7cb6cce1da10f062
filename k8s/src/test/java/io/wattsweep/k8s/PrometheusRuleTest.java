package io.wattsweep.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Kustomize cannot put a file's YAML into a resource's field, so the PrometheusRule in k8s is
 * generated from deploy/prometheus/rules/*.yml (which promtool and compose use): this test fails
 * when they differ by a byte, and writes the file to copy to k8s/target/prometheus-rules.yaml.
 */
class PrometheusRuleTest {
  static final String RULES = "deploy/prometheus/rules";
  static final String K8S_COPY = "k8s/base/monitoring/prometheus-rules.yaml";

  @Test
  void prometheusRuleHoldsTheRuleFilesGroups() throws IOException {
    String expected = generate();
    Files.createDirectories(Project.root().resolve("k8s/target"));
    Files.writeString(Project.root().resolve("k8s/target/prometheus-rules.yaml"), expected);
    assertEquals(
        expected,
        Project.read(K8S_COPY),
        K8S_COPY
            + " differs from "
            + RULES
            + "/*.yml: copy k8s/target/prometheus-rules.yaml, which this test wrote, over it");
  }

  /** The rule files' groups, each file's text indented under spec.groups. */
  static String generate() throws IOException {
    var out =
        new ArrayList<>(
            List.of(
                "# GENERATED from deploy/prometheus/rules/*.yml by k8s's PrometheusRuleTest: do not edit"
                    + " here.",
                "# Change the rule files, run the test, and copy the k8s/target/prometheus-rules.yaml it"
                    + " writes.",
                "apiVersion: monitoring.coreos.com/v1",
                "kind: PrometheusRule",
                "metadata:",
                "  name: wattsweep",
                "  labels:",
                "    app.kubernetes.io/part-of: wattsweep",
                "spec:",
                "  groups:"));
    List<Path> files;
    try (Stream<Path> s = Files.list(Project.root().resolve(RULES))) {
      files = s.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      int groups = lines.indexOf("groups:");
      if (groups < 0) {
        throw new AssertionError(f + " has no top-level 'groups:' line");
      }
      out.add("    # " + RULES + "/" + f.getFileName());
      List<String> body = new ArrayList<>(lines.subList(groups + 1, lines.size()));
      while (!body.isEmpty() && body.get(body.size() - 1).isEmpty()) {
        body.remove(body.size() - 1);
      }
      body.forEach(l -> out.add(l.isEmpty() ? l : "  " + l));
    }
    return String.join("\n", out) + "\n";
  }
}
