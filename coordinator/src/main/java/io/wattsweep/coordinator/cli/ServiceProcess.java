package io.wattsweep.coordinator.cli;

import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wattsweep service (coordinator or worker) in its own JVM, on the classpath its installation
 * gives it, its output in a log file. Closing stops it with SIGTERM, so its shutdown hooks run,
 * then by force.
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

  /** Starts {@code program}'s {@code mainClass} from {@code installation}. */
  public static ServiceProcess start(
      Installation installation,
      Program program,
      String mainClass,
      Map<String, String> env,
      Path log,
      String heap)
      throws IOException {
    String name = program.name().toLowerCase(Locale.ROOT);
    String classpath = installation.classpath(program);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap));
    cmd.addAll(program.jvmOptions());
    cmd.addAll(List.of("-cp", classpath, mainClass));
    Files.createDirectories(log.getParent());
    var pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    LOG.info("Started {} (pid {}), log in {}", name, p.pid(), log);
    return new ServiceProcess(name, p, log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process, to find what it started. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  public Path log() {
    return log;
  }

  /** Kills the process at once (SIGKILL), as a crash or an evicted pod would end it. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** The process's exit status, once it has exited. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
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
