package io.wattsweep.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What can be checked of the images without a Docker engine: each Dockerfile copies the
 * distribution of this version and nothing else from the context, and its entrypoint and command
 * are there in the distribution, runnable. The images themselves are never built here.
 */
class ImagesTest {
  static final String DIST = "deploy/dist/target/wattsweep-" + Project.version() + ".tar.gz";
  static final String LAUNCHER = "wattsweep-" + Project.version() + "/bin/wattsweep";

  private static Tarball dist;

  // Read once (about 240 MB): every image copies the same tarball.
  private static synchronized Tarball distribution() throws IOException {
    Path tarball = Project.root().resolve(DIST);
    assertTrue(
        Files.isRegularFile(tarball),
        "no distribution at "
            + DIST
            + ": the images copy"
            + " it, so this check reads it. Build it first: ./mvnw -B package (module deploy/dist)");
    if (dist == null) {
      dist = Tarball.read(tarball, LAUNCHER);
    }
    return dist;
  }

  @ParameterizedTest
  @ValueSource(strings = {"coordinator", "worker", "worker-gpu"})
  void imageRunsTheDistributionItCopies(String image) throws IOException {
    String file = "deploy/docker/" + image + ".Dockerfile";
    Dockerfile d = Dockerfile.parse(file, Project.read(file));
    List<String[]> copies = d.contextCopies();
    assertEquals(1, copies.size(), file + " copies one thing from the context, the distribution");
    assertEquals(DIST, copies.get(0)[0], file + " copies the distribution of this version");
    Tarball dist = distribution();

    // The image's path of an entry: ADD unpacks under its destination, a symlink may lead there.
    String unpacked = copies.get(0)[1].replaceAll("/$", "") + "/wattsweep-" + Project.version();
    String entrypoint = d.exec("ENTRYPOINT").get(0);
    for (Map.Entry<String, String> link : d.links().entrySet()) {
      if (entrypoint.startsWith(link.getKey() + "/") && link.getValue().equals(unpacked)) {
        entrypoint = unpacked + entrypoint.substring(link.getKey().length());
      }
    }
    assertTrue(
        entrypoint.startsWith(unpacked + "/"),
        file
            + ": the entrypoint "
            + d.exec("ENTRYPOINT")
            + " is not in the unpacked distribution "
            + unpacked);
    String entry = entrypoint.substring(copies.get(0)[1].replaceAll("/$", "").length() + 1);
    Integer mode = dist.modes.get(entry);
    assertTrue(mode != null, file + ": the distribution has no " + entry);
    assertTrue(
        (mode & 0111) != 0,
        file + ": " + entry + " is not executable: " + Integer.toOctalString(mode));
    String command = d.exec("CMD").get(0);
    assertTrue(
        Pattern.compile("(?m)^\\s+" + Pattern.quote(command) + "\\)")
            .matcher(dist.texts.get(LAUNCHER))
            .find(),
        file + ": the launcher has no command '" + command + "'");
    assertTrue(
        dist.modes.keySet().stream()
            .anyMatch(
                n ->
                    n.matches(
                        "wattsweep-[^/]+/lib/tensorflow-core-native-[^/]+-linux-x86_64(-gpu)?\\.jar")),
        "the distribution has no TensorFlow native library in lib/");
    assertFalse(d.from().matches(".*:\\S*jdk\\S*"), file + ": the runtime image needs no JDK");
    assertTrue(
        d.user().matches("[1-9][0-9]*(:[0-9]+)?"),
        file
            + ": runs as "
            + d.user()
            + ", not as a numeric non-root user (runAsNonRoot can check only numbers)");
  }
}
