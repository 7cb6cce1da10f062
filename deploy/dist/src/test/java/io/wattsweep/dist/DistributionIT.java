package io.wattsweep.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as a user gets it: unpacked outside the checkout, run from another folder with an
 * empty home (so no ~/.m2) and a PATH that holds java and the shell tools the launcher uses, but no
 * Maven.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DistributionIT {
  private static final Path TARBALL = Path.of(System.getProperty("wattsweep.dist.tarball"));
  private static final String NAME = System.getProperty("wattsweep.dist.name");

  @TempDir static Path dir;
  private static Path installed;
  private static Path home;
  private static Path tools;
  private static Path work;

  @BeforeAll
  static void unpack() throws Exception {
    Path unpacked = Files.createDirectory(dir.resolve("unpacked"));
    Process tar =
        new ProcessBuilder("tar", "-xzf", TARBALL.toString(), "-C", unpacked.toString())
            .inheritIO()
            .start();
    assertEquals(0, tar.waitFor(), "tar -xzf " + TARBALL);
    installed = unpacked.resolve(NAME);
    home = Files.createDirectory(dir.resolve("home"));
    work = Files.createDirectory(dir.resolve("work"));
    tools = Files.createDirectory(dir.resolve("tools"));
    addTool("java", Path.of(System.getProperty("java.home"), "bin", "java"));
    for (String tool : List.of("bash", "dirname", "readlink")) {
      addTool(tool, onSystemPath(tool));
    }
  }

  @Test
  void tarballHoldsTheLauncherTheServicesJarsTheBrokersApartAndTheExamples() throws IOException {
    assertTrue(Files.isExecutable(installed.resolve("bin/wattsweep")));
    assertTrue(Files.isRegularFile(installed.resolve("examples/demo-sweep.yaml")));
    List<String> lib = jarNames(installed.resolve("lib"));
    List<String> broker = jarNames(installed.resolve("lib/kafka"));
    assertTrue(lib.stream().anyMatch(j -> j.startsWith("wattsweep-coordinator-")), lib.toString());
    assertTrue(lib.stream().anyMatch(j -> j.startsWith("wattsweep-worker-")), lib.toString());
    assertTrue(lib.stream().anyMatch(j -> j.startsWith("kafka-clients-3.")), lib.toString());
    assertTrue(broker.stream().anyMatch(j -> j.startsWith("kafka_2.13-4.")), broker.toString());
    assertTrue(broker.stream().anyMatch(j -> j.startsWith("kafka-clients-4.")), broker.toString());
  }

  @Test
  void helpListsEveryCommand() throws Exception {
    Run help = run("help");

    assertEquals(0, help.exitCode(), help.output());
    assertTrue(help.output().startsWith("usage: wattsweep COMMAND [ARGS]"), help.output());
    for (String command :
        List.of(
            "help",
            "demo",
            "coordinator",
            "worker",
            "kafka",
            "meter",
            "models",
            "submit",
            "status",
            "report",
            "runs",
            "versions")) {
      assertTrue(
          Pattern.compile("(?m)^  " + command + " ").matcher(help.output()).find(),
          command + " missing from:\n" + help.output());
    }
  }

  @Test
  void modelsListsTheBuiltInModelsWithTheirSize() throws Exception {
    Run models = run("models");

    assertEquals(0, models.exitCode(), models.output());
    assertTrue(
        models.output().startsWith("MODEL        SCALE  BATCH   GFLOP/STEP    PARAMETERS"),
        models.output());
    for (String model : List.of("3dgan", "vae-progan")) {
      assertTrue(
          Pattern.compile("(?m)^" + model + " +1\\.000 +\\d+ +[\\d,.]+ +[\\d,]+  \\w")
              .matcher(models.output())
              .find(),
          model + " missing from:\n" + models.output());
    }
  }

  @Test
  void kafkaRunsTheLocalBrokerFromItsOwnJarsUntilStopped() throws Exception {
    Process kafka = start("kafka", "--port", "0", "--data", work.resolve("kafka").toString());
    List<String> lines = new ArrayList<>();
    try (var out =
        new BufferedReader(new InputStreamReader(kafka.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(line);
        if (line.startsWith("Kafka broker ready at 127.0.0.1:")) {
          kafka.toHandle().destroy(); // SIGTERM, as Ctrl-C; Process.destroy would close stdout
        }
      }
    } finally {
      kafka.destroyForcibly();
    }

    assertTrue(
        lines.stream().anyMatch(l -> l.startsWith("Kafka broker ready at")),
        String.join("\n", lines));
    assertTrue(lines.contains("Kafka broker stopped"), String.join("\n", lines));
    assertNoMavenRepositoryIn(home);
  }

  private record Run(int exitCode, String output) {}

  private static Run run(String... args) throws Exception {
    Process p = start(args);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exitCode = p.waitFor();
    assertNoMavenRepositoryIn(home);
    return new Run(exitCode, output);
  }

  /** The launcher in the unpacked tree, as a user runs it: its environment has nothing else. */
  private static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(installed.resolve("bin/wattsweep").toString()));
    command.addAll(List.of(args));
    var pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("HOME", home.toString());
    pb.environment().put("PATH", tools.toString());
    return pb.start();
  }

  private static void assertNoMavenRepositoryIn(Path userHome) {
    assertFalse(Files.exists(userHome.resolve(".m2")), "the distribution wrote ~/.m2");
  }

  private static List<String> jarNames(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
    }
  }

  /** A script rather than a link, which the temporary folder's clean-up warns about. */
  private static void addTool(String name, Path target) throws IOException {
    Path script =
        Files.writeString(tools.resolve(name), "#!/bin/sh\nexec '" + target + "' \"$@\"\n");
    assertTrue(script.toFile().setExecutable(true));
  }

  private static Path onSystemPath(String tool) {
    return Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .map(d -> Path.of(d, tool))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(tool + " not found on PATH"));
  }
}
