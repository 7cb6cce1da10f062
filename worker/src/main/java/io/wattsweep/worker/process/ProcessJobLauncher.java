package io.wattsweep.worker.process;

import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;
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
import java.util.Arrays;
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
 * where it can, {@link JobClassArchive}), or hands the job to a spare process started ahead of it
 * ({@link SpareProcesses}, where the worker's configuration asks for them), and passes each event
 * it writes to the caller as soon as it appears. Blocking.
 */
public final class ProcessJobLauncher implements JobLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessJobLauncher.class);

  private static final String KAFKA_PREFIX = "WATTSWEEP_KAFKA_";

  /** A started job process, its job not yet handed over. */
  record Started(Process process, Recipe recipe, JobClassArchive.Launch launch, ErrorTail errors) {
    long pid() {
      return process.pid();
    }
  }

  private final WorkerConfig config;
  private final JobClassArchive archive;
  private final SpareProcesses spares;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();

  public ProcessJobLauncher(WorkerConfig config, String classpath) {
    this.config = config;
    this.archive =
        config
            .jobClassArchives()
            .map(dir -> JobClassArchive.in(dir, classpath))
            .orElseGet(() -> JobClassArchive.off(classpath));
    this.spares = config.spareJobProcesses() ? new SpareProcesses(this::start) : null;
  }

  @Override
  public Outcome run(JobSpec job, String runId, List<String> gpus, Consumer<RunEvent> onEvent)
      throws IOException, InterruptedException {
    Recipe recipe = Recipe.of(job, gpus, config.jobHeapMb(), System.getenv());
    HandOver handOver = handOver(job, runId, gpus, recipe);
    Started started = handOver.process();
    Process p = started.process();
    LOG.info(
        "Job {} run {} started in process {}{}{}",
        job.jobId(),
        runId,
        p.pid(),
        gpus.isEmpty() ? "" : " on GPUs " + String.join(",", gpus),
        handOver.spare() ? " (a spare, started ahead)" : "");
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
      boolean first = true;
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(EventSink.MARKER)) {
          byte[] payload =
              line.substring(EventSink.MARKER.length()).getBytes(StandardCharsets.UTF_8);
          onEvent.accept((RunEvent) EventCodec.decodeEvent(payload));
          if (first && spares != null) {
            // The run has started (its idle baselines are behind it): the next job's process
            // may start beside it now.
            spares.offer(gpus, recipe);
          }
          first = false;
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
      started.launch().exited().accept(exit);
      watchdog.interrupt();
      LOG.info("Job {} run {} process exited with {}", job.jobId(), runId, exit);
    }
    return new Outcome(p.exitValue(), timedOut.get(), started.errors().await());
  }

  @Override
  public void abort() {
    close();
    for (Process p : running) {
      LOG.warn("Stopping the running job's process {}", p.pid());
      destroyTree(p);
    }
  }

  @Override
  public void startSpares(List<List<String>> gpuSets) {
    if (spares != null) {
      gpuSets.forEach(
          gpus -> spares.offer(gpus, Recipe.firstGuess(gpus, config.jobHeapMb(), System.getenv())));
    }
  }

  @Override
  public void close() {
    if (spares != null) {
      spares.close();
    }
  }

  /** A process that has its job, and whether it was a spare. */
  private record HandOver(Started process, boolean spare) {}

  /**
   * A process with the job handed over: the spare waiting for these GPUs if it was started with
   * this recipe and takes the job, else one started now.
   */
  private HandOver handOver(JobSpec job, String runId, List<String> gpus, Recipe recipe)
      throws IOException {
    byte[] input = input(runId, job);
    if (spares != null) {
      var spare = spares.take(gpus, recipe);
      if (spare.isPresent()) {
        try {
          write(spare.get().process(), input);
          return new HandOver(spare.get(), true);
        } catch (IOException e) {
          LOG.warn(
              "Spare job process {} did not take job {}: {}", spare.get().pid(), job.jobId(), e);
          destroyTree(spare.get().process());
          spare.get().launch().exited().accept(-1);
        }
      }
    }
    Started started = start(recipe);
    try {
      write(started.process(), input);
    } catch (IOException e) {
      destroyTree(started.process());
      started.launch().exited().accept(-1);
      throw e;
    }
    return new HandOver(started, false);
  }

  /** Starts a job's process, which then waits for its job on standard input. */
  Started start(Recipe recipe) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    JobClassArchive.Launch launch = archive.launch(recipe.options());
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(launch.options());
    cmd.addAll(List.of("-cp", launch.classpath(), JobProcess.class.getName(), config.workerId()));
    var pb = new ProcessBuilder(cmd);
    withoutWorkerSettings(pb.environment());
    pb.environment().putAll(recipe.env());
    pb.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
    pb.environment().put(ParentWatch.PARENT_PID, Long.toString(ProcessHandle.current().pid()));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      launch.exited().accept(-1);
      throw e;
    }
    return new Started(p, recipe, launch, new ErrorTail(p.getErrorStream(), 20));
  }

  /** What the job's process reads: the run id, a newline, the job. */
  private static byte[] input(String runId, JobSpec job) {
    byte[] id = (runId + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] spec = EventCodec.encodeJob(job);
    byte[] all = Arrays.copyOf(id, id.length + spec.length);
    System.arraycopy(spec, 0, all, id.length, spec.length);
    return all;
  }

  private static void write(Process p, byte[] input) throws IOException {
    try (OutputStream in = p.getOutputStream()) {
      in.write(input);
    }
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
}
