package io.wattsweep.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each overlay renders, and every check passes on what it renders. */
class OverlaysTest {
  static final CrdSchemas CRDS = CrdSchemas.load();
  static final CodeFacts CODE = CodeFacts.read();

  @ParameterizedTest
  @ValueSource(strings = {"dev", "gpu-cluster"})
  void overlayPassesEveryCheck(String overlay) {
    List<Resource> resources = Rendering.overlay(overlay);
    assertTrue(resources.size() > 10, overlay + " rendered only " + resources.size());
    var tally = new Tally();
    List<Finding> findings = new ManifestChecks(CRDS, CODE).run(resources, tally);
    System.out.println(
        "overlay " + overlay + ": " + resources.size() + " resources; checked " + tally);
    assertEquals(List.of(), findings.stream().map(Finding::toString).toList());
  }
}
