package io.wattsweep.worker.process;

import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.CommandName;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.run.EventSink;
import io.wattsweep.worker.run.JobProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a job's process ({@link JobProcess}) on this worker's classpath (from a class-data archive
 * where it can, {@link JobClassArchive}), hands it the job, and passes each event it writes to the
 * caller as soon as it appears. Blocking.
 */
public final class ProcessJobLauncher implements JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessJobLauncher.class);

  private static final String KAFKA_PREFIX = "WATTSWEEP_KAFKA_";

  private final WorkerConfig config;
  private final JobClassArchive archive;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();

  public ProcessJobLauncher(WorkerConfig config, String classpath) {
    this.config = config;
    this.archive =
        config
            .jobClassArchives()
            .map(dir -> JobClassArchive.in(dir, classpath))
            .orElseGet(() -> JobClassArchive.off(classpath));
  }

  @Override
  public Outcome run(JobSpec job, String runId, List<String> gpus, Consumer<RunEvent> onEvent)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var options = new ArrayList<>(List.of("-Xmx" + config.jobHeapMb() + "m"));
    options.addAll(jvmOptions(job));
    JobClassArchive.Launch launch = archive.launch(options);
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(launch.options());
    cmd.addAll(
        List.of("-cp", launch.classpath(), JobProcess.class.getName(), runId, config.workerId()));
    var pb = new ProcessBuilder(cmd);
    withoutWorkerSettings(pb.environment());
    if (tf32Off(job)) {
      pb.environment().put("NVIDIA_TF32_OVERRIDE", "0");
    }
    if (!gpus.isEmpty()) {
      pb.environment().put("CUDA_VISIBLE_DEVICES", String.join(",", gpus));
    }
    pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
    pb.environment().put(ParentWatch.PARENT_PID, Long.toString(ProcessHandle.current().pid()));
    String operators = pb.environment().get("TF_ENABLE_ONEDNN_OPTS");
    if (operators == null || operators.isBlank()) {
      pb.environment().put("TF_ENABLE_ONEDNN_OPTS", oneDnnOpts(job));
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      launch.exited().accept(-1);
      throw e;
    }
    LOG.info(
        "Job {} run {} started in process {}{}",
        job.jobId(),
        runId,
        p.pid(),
        gpus.isEmpty() ? "" : " on GPUs " + String.join(",", gpus));
    try (OutputStream in = p.getOutputStream()) {
      in.write(EventCodec.encodeJob(job));
    }
    var errors = new ErrorTail(p.getErrorStream(), 20);
    var timedOut = new AtomicBoolean();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                if (!p.waitFor(config.jobTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                  timedOut.set(true);
                  LOG.warn("Job {} ran past {}; stopping it", job.jobId(), config.jobTimeout());
                  destroyTree(p);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "job-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    // The job's process ends itself when this worker is gone (JobProcess watches its parent), so
    // that a stopping worker can give its job a grace instead of killing it at once.
    running.add(p);
    boolean read = false;
    try (var out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(EventSink.MARKER)) {
          byte[] payload =
              line.substring(EventSink.MARKER.length()).getBytes(StandardCharsets.UTF_8);
          onEvent.accept((RunEvent) EventCodec.decodeEvent(payload));
        } else if (!line.isBlank()) {
          LOG.info("[{}] {}", job.jobId(), line);
        }
      }
      read = true;
    } finally {
      if (!read) {
        destroyTree(p);
      }
      int exit = p.waitFor();
      running.remove(p);
      launch.exited().accept(exit);
      watchdog.interrupt();
      LOG.info("Job {} run {} process exited with {}", job.jobId(), runId, exit);
    }
    return new Outcome(p.exitValue(), timedOut.get(), errors.await());
  }

  @Override
  public void abort() {
    for (Process p : running) {
      LOG.warn("Stopping the running job's process {}", p.pid());
      destroyTree(p);
    }
  }

  /**
   * The job process's JVM options beyond its heap. A command workload's process only watches its
   * command and meters the devices (the training runs in the command's own process), so it starts
   * light: the client compiler alone and the serial collector, which leave the CPU to the command
   * and to the jobs beside it. A built-in model trains in this JVM, which keeps the JVM's defaults.
   */
  static List<String> jvmOptions(JobSpec job) {
    return CommandName.isCommand(job.model())
        ? List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
        : List.of();
  }

  /**
   * What the worker's environment holds for the worker alone. A job's process writes its events to
   * standard output and never talks to Kafka: it, and the command workload it may run, get neither
   * the broker's address nor the Kafka credentials. Its GPUs are its own CUDA_VISIBLE_DEVICES, a
   * part of the worker's, so it does not get the worker's GPUs either.
   */
  static void withoutWorkerSettings(Map<String, String> env) {
    env.keySet()
        .removeIf(key -> key.startsWith(KAFKA_PREFIX) || key.equals(WorkerConfig.WORKER_GPUS));
  }

  /** The job's process and what it started (a command workload): killed, it cannot stop them. */
  private static void destroyTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /**
   * Whether the job's process gets NVIDIA_TF32_OVERRIDE=0: fp32 means fp32, and so do the ops a
   * mixed-fp16 or bf16 run leaves in fp32 (the study ran its mixed runs so), so cuBLAS and cuDNN
   * must not use TF32 tensor cores behind our back; only a tf32 job asks for them.
   */
  static boolean tf32Off(JobSpec job) {
    return job.precision() != Precision.TF32;
  }

  /**
   * TensorFlow's oneDNN kernels, its default on x86 Linux, for every job on one device: on CPUs
   * they run the 3DGAN's fp32 step 6 to 10 times faster than Eigen, and bf16 at all. A job whose
   * towers are logical CPU devices gets Eigen unless it asks for bf16, since oneDNN stalls such
   * sessions. An operator's TF_ENABLE_ONEDNN_OPTS, unless empty, wins. (On AVX-512 CPUs oneDNN
   * crashes a process whose allocation fails, a SIGSEGV in _MklFusedMatMul, where Eigen reports
   * out-of-memory.)
   */
  static String oneDnnOpts(JobSpec job) {
    return job.gpus() == 1 || job.precision() == Precision.BF16 ? "1" : "0";
  }
}
