package io.wattsweep.coordinator.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wattsweep service (coordinator or worker) in its own JVM, started from a module's build
 * output ({@code MODULE/target/classes} and {@code MODULE/target/classpath.txt}), its output in a
 * log file. Closing stops it with SIGTERM, so its shutdown hooks run, then by force.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceProcess.class);

  private final String name;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * @param root the project root, whose module folders hold the build output
   * @param module "coordinator" or "worker"
   */
  public static ServiceProcess start(Path root, String module, String mainClass,
      Map<String, String> env, Path log, String heap) throws IOException {
    Path target = root.resolve(module).resolve("target");
    Path cpFile = target.resolve("classpath.txt");
    if (!Files.exists(cpFile)) {
      throw new IllegalStateException("missing " + cpFile + ": build first (./mvnw -q install"
          + " -DskipTests, or any ./wattsweep command builds on first use)");
    }
    String classpath = target.resolve("classes") + java.io.File.pathSeparator
        + Files.readString(cpFile).trim();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", classpath, mainClass));
    Files.createDirectories(log.getParent());
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    LOG.info("Started {} (pid {}), log in {}", module, p.pid(), log);
    return new ServiceProcess(module, p, log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        LOG.warn("{} did not stop in 20 s; killing it", name);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
