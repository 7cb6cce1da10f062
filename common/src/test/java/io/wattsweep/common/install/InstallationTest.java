package io.wattsweep.common.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.install.Installation.Program;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationTest {
  @TempDir Path root;

  @Test
  void checkoutRunsAServiceFromItsClassesAndTheJarsItsBuildListed() throws IOException {
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Path jar = Files.createFile(root.resolve("vertx-core.jar"));
    Path target = Files.createDirectories(root.resolve("worker/target"));
    Files.writeString(target.resolve("classpath.txt"), jar + "\n");

    assertEquals(
        target.resolve("classes") + File.pathSeparator + jar,
        Installation.at(root).classpath(Program.WORKER));
  }

  @Test
  void checkoutWithoutABuildNamesTheMissingFileAndTheBuildCommand() throws IOException {
    Files.writeString(root.resolve("pom.xml"), "<project/>");

    var failure =
        assertThrows(
            IllegalStateException.class,
            () -> Installation.at(root).classpath(Program.KAFKA_BROKER));

    assertTrue(
        failure.getMessage().contains(root.resolve("deploy/kafka/target/classpath.txt").toString()),
        failure.getMessage());
    assertTrue(
        failure.getMessage().contains("./mvnw -q install -DskipTests"), failure.getMessage());
  }

  @Test
  void checkoutWhoseBuildListsADeletedJarNamesIt() throws IOException {
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    Path target = Files.createDirectories(root.resolve("deploy/kafka/target"));
    Files.writeString(target.resolve("classpath.txt"), "/gone/kafka_2.13-4.4.0.jar");

    var failure =
        assertThrows(
            IllegalStateException.class,
            () -> Installation.at(root).classpath(Program.KAFKA_BROKER));

    assertTrue(
        failure.getMessage().contains("missing jar '/gone/kafka_2.13-4.4.0.jar'"),
        failure.getMessage());
  }

  @Test
  void distributionRunsServicesFromLibAndTheBrokerFromLibKafka() throws IOException {
    Path lib = Files.createDirectories(root.resolve("lib"));
    Path kafka = Files.createDirectories(lib.resolve("kafka"));
    Path common = Files.createFile(lib.resolve("wattsweep-common.jar"));
    Path clients = Files.createFile(lib.resolve("kafka-clients-3.7.jar"));
    Path broker = Files.createFile(kafka.resolve("kafka_2.13-4.4.0.jar"));
    Files.createFile(lib.resolve("README.txt"));

    var installation = Installation.at(root);

    assertEquals(
        clients + File.pathSeparator + common, installation.classpath(Program.COORDINATOR));
    assertEquals(
        installation.classpath(Program.COORDINATOR), installation.classpath(Program.WORKER));
    assertEquals(broker.toString(), installation.classpath(Program.KAFKA_BROKER));
  }

  @Test
  void folderThatIsNeitherNamesWhatIsMissing() {
    var failure =
        assertThrows(
            IllegalStateException.class,
            () -> Installation.at(root).classpath(Program.COORDINATOR));

    assertEquals(
        "no jars in "
            + root.resolve("lib")
            + ": "
            + root
            + " is neither a wattsweep"
            + " checkout (it has no pom.xml) nor a whole unpacked distribution",
        failure.getMessage());
  }

  @Test
  void theLauncherScriptStartsAWorkerWithTheWorkersJvmOptions() throws IOException {
    Path script = Path.of(System.getProperty(Installation.ROOT_PROPERTY), "wattsweep");
    String workerLine =
        Files.readAllLines(script).stream()
            .filter(line -> line.contains("io.wattsweep.worker.WorkerMain"))
            .findFirst()
            .orElseThrow();

    assertTrue(
        workerLine.contains(
            "JVM_OPTIONS=\"" + String.join(" ", Program.WORKER.jvmOptions()) + "\" run_java"),
        workerLine);
  }
}
