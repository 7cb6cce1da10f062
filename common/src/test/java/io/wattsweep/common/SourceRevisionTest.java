package io.wattsweep.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class SourceRevisionTest {
  private static Properties props(String id, String dirty) {
    var p = new Properties();
    if (id != null) {
      p.setProperty("git.commit.id.full", id);
    }
    p.setProperty("git.dirty", dirty);
    return p;
  }

  @Test
  void aDirtyBuildSaysSoAndABuildWithoutGitHasNoRevision() {
    String id = "9120b52addb297e72ff6c2176e71996c60ea7201";
    assertEquals(id, SourceRevision.of(props(id, "false")));
    assertEquals(id + "-dirty", SourceRevision.of(props(id, "true")));
    assertNull(SourceRevision.of(props(null, "false")));
  }

  @Test
  void thisBuildKnowsItsCommit() {
    // The tests run from a git checkout (CI clones one), so the plugin wrote the commit.
    assertTrue(
        SourceRevision.current().matches("[0-9a-f]{40}(-dirty)?"),
        String.valueOf(SourceRevision.current()));
  }
}
