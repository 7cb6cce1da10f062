package io.wattsweep.common.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering the build enforces, read from every module's sources (main and test): common imports
 * no service; the coordinator and the worker never import each other; the training internals are
 * used only by the training package; the local broker's launcher is no part of common or of the
 * worker's main code.
 */
class LayeringTest {
  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?(io\\.wattsweep\\.[\\w.]+)", Pattern.MULTILINE);

  /**
   * A module's source file may not import {@code forbidden} unless it lives under {@code except}.
   */
  record Rule(String module, String forbidden, String except, String why) {}

  static final List<Rule> RULES =
      List.of(
          new Rule("common", "io.wattsweep.coordinator", null, "common imports no service"),
          new Rule("common", "io.wattsweep.worker", null, "common imports no service"),
          new Rule(
              "coordinator", "io.wattsweep.worker", null, "the services never import each other"),
          new Rule(
              "worker", "io.wattsweep.coordinator", null, "the services never import each other"),
          new Rule(
              "worker",
              "io.wattsweep.worker.train.internal",
              "io/wattsweep/worker/train/",
              "train.internal is used only by train"),
          new Rule(
              "coordinator",
              "io.wattsweep.worker.train.internal",
              null,
              "train.internal is used only by train"),
          new Rule("common", "io.wattsweep.kafka", null, "common imports no launcher"),
          new Rule(
              "worker",
              "io.wattsweep.kafka",
              "test/java/",
              "only the worker's tests start a local broker"));

  @Test
  void everyModuleKeepsToTheLayering() throws IOException {
    Path root = Path.of(System.getProperty("wattsweep.root", "..")).toAbsolutePath().normalize();
    var broken = new ArrayList<String>();
    int files = 0;
    for (String module : List.of("common", "coordinator", "worker")) {
      Path src = root.resolve(module).resolve("src");
      assertTrue(Files.isDirectory(src), "no sources at " + src);
      try (Stream<Path> walk = Files.walk(src)) {
        for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
          files++;
          broken.addAll(violations(module, src.relativize(f).toString(), Files.readString(f)));
        }
      }
    }
    assertTrue(files > 100, "read only " + files + " source files under " + root);
    assertEquals(List.of(), broken);
  }

  /** The check itself: a wrong import of each kind is found, a right one is not. */
  @Test
  void aDeliberateWrongImportIsReported() {
    assertEquals(
        1,
        violations(
                "common",
                "main/java/io/wattsweep/common/X.java",
                "package io.wattsweep.common;\nimport io.wattsweep.coordinator.catalog.Catalog;\n")
            .size());
    assertEquals(
        1,
        violations(
                "worker",
                "main/java/io/wattsweep/worker/job/X.java",
                "import static io.wattsweep.coordinator.cli.Cli.run;\n")
            .size());
    assertEquals(
        1,
        violations(
                "worker",
                "main/java/io/wattsweep/worker/run/X.java",
                "import io.wattsweep.worker.train.internal.ThreeDGan;\n")
            .size());
    assertEquals(
        1,
        violations(
                "worker",
                "main/java/io/wattsweep/worker/job/X.java",
                "import io.wattsweep.kafka.LocalBroker;\n")
            .size());
    assertEquals(
        List.of(),
        violations(
            "worker",
            "test/java/io/wattsweep/worker/job/X.java",
            "import io.wattsweep.kafka.LocalBroker;\n"));
    assertEquals(
        List.of(),
        violations(
            "worker",
            "test/java/io/wattsweep/worker/train/X.java",
            "import io.wattsweep.worker.train.internal.ThreeDGan;\n"));
    assertEquals(
        List.of(),
        violations(
            "coordinator",
            "main/java/io/wattsweep/coordinator/X.java",
            "import io.wattsweep.common.spec.SweepSpec;\n"));
  }

  static List<String> violations(String module, String file, String source) {
    var out = new ArrayList<String>();
    Matcher m = IMPORT.matcher(source);
    while (m.find()) {
      String imported = m.group(1);
      for (Rule r : RULES) {
        boolean applies =
            r.module().equals(module)
                && (imported.equals(r.forbidden()) || imported.startsWith(r.forbidden() + "."));
        boolean excepted = r.except() != null && file.replace('\\', '/').contains(r.except());
        if (applies && !excepted) {
          out.add(module + "/src/" + file + " imports " + imported + ": " + r.why());
        }
      }
    }
    return out;
  }
}
