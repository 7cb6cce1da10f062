package io.wattsweep.worker;

import io.wattsweep.common.Env;
import io.wattsweep.common.KafkaSecurity;
import io.wattsweep.common.spec.Checks;
import io.wattsweep.worker.artifact.ArtifactStore;
import io.wattsweep.worker.artifact.S3Access;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.IntStream;

/**
 * A worker's settings, read once from the environment. The job processes it starts inherit the
 * environment, but for the Kafka settings (they never talk to Kafka), and read the same settings.
 *
 * @param kafkaBootstrap WATTSWEEP_KAFKA_BOOTSTRAP: Kafka's bootstrap servers
 * @param kafkaSecurity WATTSWEEP_KAFKA_SECURITY_PROTOCOL and the TLS and SASL settings beside it
 *     ({@link KafkaSecurity} lists them)
 * @param gpuClass WATTSWEEP_GPU_CLASS: the class of jobs this worker takes ("cpu" by default)
 * @param workerId WATTSWEEP_WORKER_ID: unique per worker (default host-pid)
 * @param heartbeatInterval WATTSWEEP_HEARTBEAT_INTERVAL_MS
 * @param powerSampleInterval WATTSWEEP_POWER_SAMPLE_INTERVAL_MS: live power samples of a run
 * @param idleBaseline WATTSWEEP_IDLE_BASELINE_MS: how long each of a run's two idle powers is
 *     measured, before the job's process builds anything and with it built
 * @param cpuTdpWatts WATTSWEEP_CPU_TDP_WATTS (watts): the TDP of this machine's CPUs, all packages
 *     together, for the estimate used where no energy counter can be read; unset (the default)
 *     means the CPU table ({@code io.wattsweep.worker.meter.CpuTdp}) by model name, else 10 W per
 *     visible core
 * @param cpuIdleFraction WATTSWEEP_CPU_IDLE_FRACTION: idle power as a fraction of TDP, for the same
 *     estimate
 * @param powercapRoot WATTSWEEP_POWERCAP_ROOT (a directory): where the kernel's powercap (RAPL)
 *     zones are read, {@code /sys/class/powercap} by default; another path for a container that
 *     mounts the host's sysfs elsewhere
 * @param jobHeapMb WATTSWEEP_JOB_HEAP_MB: heap of each job's process
 * @param jobTimeout WATTSWEEP_JOB_TIMEOUT_MS: a job running longer is stopped and failed
 * @param metricsPort WATTSWEEP_METRICS_PORT: port of the worker's Prometheus endpoint ({@code
 *     /metrics}; default 9400, 0 picks a free one, which the start-up log names)
 * @param artifactStore WATTSWEEP_ARTIFACT_STORE: where runs put their trained generators, a {@code
 *     file:DIR} directory ({@code file:./wattsweep-data/artifacts}, relative to the worker's
 *     working directory, by default) or an {@code s3://BUCKET/PREFIX} object store
 * @param s3 how to reach the object store when {@code artifactStore} is {@code s3://} ({@link
 *     S3Access} lists its keys); null otherwise
 * @param commandsFile WATTSWEEP_COMMANDS_FILE (a YAML or JSON file): the command workloads that
 *     jobs may name as {@code command:NAME}, each an argv run without a shell (format in {@code
 *     io.wattsweep.worker.command.CommandsFile}); unset (the default) means none, built-in models
 *     only. Checked at start-up; each job's process reads it again when its job names a command
 * @param once WATTSWEEP_WORKER_ONCE or the flag {@code --once}: take one job, run it, exit (a pod
 *     started per queued job, as KEDA's ScaledJob does)
 * @param idleExit WATTSWEEP_IDLE_EXIT_MS: exit after this long without a job (0, the default:
 *     never), so that a worker started for a backlog goes away after it
 * @param stopGrace WATTSWEEP_STOP_GRACE_MS: how long a worker told to stop (SIGTERM) lets its
 *     running job go on before it gives the run up and hands the job back to the queue (0, the
 *     default: at once)
 * @param gpus WATTSWEEP_WORKER_GPUS: the GPUs this worker owns, as CUDA names them, for running
 *     jobs side by side, each on its own ({@code CUDA_VISIBLE_DEVICES}): a count ({@code 4}: the
 *     first four the worker sees) or a list ({@code 0,1,2,3}); unset means those
 *     CUDA_VISIBLE_DEVICES names. None (a CPU worker, or a GPU worker that names none) means one
 *     job at a time, its process seeing what the worker sees
 * @param jobClassArchives WATTSWEEP_JOB_CDS_DIR: where the class-data archives that start job
 *     processes faster are kept ({@code JobClassArchive}; default {@code wattsweep-cds-USER} in the
 *     temporary directory); {@code off} starts every job process without one
 * @param spareJobProcesses WATTSWEEP_SPARE_JOB_PROCESS: whether the next job's process starts while
 *     a job runs, and waits ready for its job ({@code SpareProcesses}); {@code auto}, the default,
 *     means on a GPU worker: its meter reads the GPUs, which a starting JVM beside the run does not
 *     touch. Off on a CPU worker, whose meter (RAPL, or the utilization estimate) reads the whole
 *     CPU and would count the spare's start in the running job's energy; {@code on} forces it there
 *     too, {@code off} everywhere; never for {@code --once}
 */
public record WorkerConfig(
    String kafkaBootstrap,
    KafkaSecurity kafkaSecurity,
    String gpuClass,
    String workerId,
    Duration heartbeatInterval,
    Duration powerSampleInterval,
    Duration idleBaseline,
    OptionalDouble cpuTdpWatts,
    double cpuIdleFraction,
    Path powercapRoot,
    int jobHeapMb,
    Duration jobTimeout,
    int metricsPort,
    URI artifactStore,
    S3Access s3,
    Optional<Path> commandsFile,
    boolean once,
    Duration idleExit,
    Duration stopGrace,
    List<String> gpus,
    Optional<Path> jobClassArchives,
    boolean spareJobProcesses) {

  /** The environment variable that names the GPUs a worker packs its jobs on. */
  public static final String WORKER_GPUS = "WATTSWEEP_WORKER_GPUS";

  private static final String CPU = "cpu";

  /** More GPUs than any node holds: a typo, not a machine. */
  private static final int MAX_GPUS = 64;

  private static final String GPU_NAME = "[A-Za-z0-9][A-Za-z0-9:/_-]{0,99}";

  public WorkerConfig {
    Checks.name("WATTSWEEP_GPU_CLASS", gpuClass);
    Checks.atLeast("WATTSWEEP_JOB_HEAP_MB", jobHeapMb, 64);
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException(
          "WATTSWEEP_METRICS_PORT must be in [0, 65535]: " + metricsPort);
    }
    if (cpuTdpWatts.isPresent()
        && !(cpuTdpWatts.getAsDouble() > 0 && Double.isFinite(cpuTdpWatts.getAsDouble()))) {
      throw new IllegalArgumentException(
          "WATTSWEEP_CPU_TDP_WATTS must be a finite number > 0: " + cpuTdpWatts.getAsDouble());
    }
    if (!(cpuIdleFraction >= 0 && cpuIdleFraction <= 1)) {
      throw new IllegalArgumentException(
          "WATTSWEEP_CPU_IDLE_FRACTION must be in [0, 1]: " + cpuIdleFraction);
    }
    if (stopGrace.isNegative()) {
      throw new IllegalArgumentException(
          "WATTSWEEP_STOP_GRACE_MS must be >= 0: " + stopGrace.toMillis());
    }
    if (idleExit.isNegative()) {
      throw new IllegalArgumentException(
          "WATTSWEEP_IDLE_EXIT_MS must be >= 0: " + idleExit.toMillis());
    }
    gpus = List.copyOf(gpus);
    if (!gpus.isEmpty() && CPU.equals(gpuClass)) {
      throw new IllegalArgumentException(
          "WATTSWEEP_WORKER_GPUS names GPUs "
              + gpus
              + ", but WATTSWEEP_GPU_CLASS is cpu: a CPU worker runs one job at a time");
    }
    ArtifactStore.parse(String.valueOf(artifactStore));
    if ("s3".equals(artifactStore.getScheme()) != (s3 != null)) {
      throw new IllegalArgumentException(
          "S3 access must be set exactly when "
              + ArtifactStore.KEY
              + " is an s3:// URI: '"
              + artifactStore
              + "'");
    }
  }

  public static WorkerConfig fromEnv(Map<String, String> env) {
    return fromEnv(env, List.of());
  }

  /** The environment's settings, then the command line's flags over them. */
  public static WorkerConfig fromEnv(Map<String, String> env, List<String> args) {
    boolean onceFlag = false;
    for (String arg : args) {
      if (!arg.equals("--once")) {
        throw new IllegalArgumentException("unknown worker argument '" + arg + "'; known: --once");
      }
      onceFlag = true;
    }
    var e = new Env(env);
    String gpuClass = e.string("WATTSWEEP_GPU_CLASS", CPU);
    String tdp = e.string("WATTSWEEP_CPU_TDP_WATTS", null);
    URI store = ArtifactStore.parse(e.string(ArtifactStore.KEY, "file:./wattsweep-data/artifacts"));
    boolean once = onceFlag || e.bool("WATTSWEEP_WORKER_ONCE", false);
    return new WorkerConfig(
        e.string("WATTSWEEP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        KafkaSecurity.fromEnv(e),
        gpuClass,
        e.string("WATTSWEEP_WORKER_ID", defaultWorkerId()),
        Duration.ofMillis(e.integer("WATTSWEEP_HEARTBEAT_INTERVAL_MS", 5_000)),
        Duration.ofMillis(e.integer("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", 1_000)),
        Duration.ofMillis(e.integer("WATTSWEEP_IDLE_BASELINE_MS", 1_000)),
        tdp == null
            ? OptionalDouble.empty()
            : OptionalDouble.of(e.number("WATTSWEEP_CPU_TDP_WATTS", Double.NaN)),
        e.number("WATTSWEEP_CPU_IDLE_FRACTION", 0.3),
        Path.of(e.string("WATTSWEEP_POWERCAP_ROOT", "/sys/class/powercap")),
        e.integer("WATTSWEEP_JOB_HEAP_MB", 2048),
        Duration.ofMillis(e.integer("WATTSWEEP_JOB_TIMEOUT_MS", 30 * 60_000)),
        e.integer("WATTSWEEP_METRICS_PORT", 9400),
        store,
        "s3".equals(store.getScheme()) ? S3Access.fromEnv(e, store) : null,
        Optional.ofNullable(e.string("WATTSWEEP_COMMANDS_FILE", null)).map(Path::of),
        once,
        Duration.ofMillis(e.integer("WATTSWEEP_IDLE_EXIT_MS", 0)),
        Duration.ofMillis(e.integer("WATTSWEEP_STOP_GRACE_MS", 0)),
        gpus(e.string(WORKER_GPUS, null), e.string("CUDA_VISIBLE_DEVICES", null), gpuClass),
        jobClassArchives(e.string("WATTSWEEP_JOB_CDS_DIR", null)),
        spareJobProcesses(e.string("WATTSWEEP_SPARE_JOB_PROCESS", "auto"), gpuClass, once));
  }

  /**
   * WATTSWEEP_SPARE_JOB_PROCESS: {@code auto} (on for a GPU worker, off for a CPU worker), {@code
   * on} or {@code off}; always off for a worker that runs one job ({@code --once}).
   */
  static boolean spareJobProcesses(String value, String gpuClass, boolean once) {
    boolean on =
        switch (value.strip()) {
          case "auto" -> !CPU.equals(gpuClass);
          case "on" -> true;
          case "off" -> false;
          default ->
              throw new IllegalArgumentException(
                  "WATTSWEEP_SPARE_JOB_PROCESS must be auto, on or off: '" + value + "'");
        };
    return on && !once;
  }

  /** WATTSWEEP_JOB_CDS_DIR: a directory, {@code off}, or unset for the default. */
  static Optional<Path> jobClassArchives(String value) {
    if (value == null || value.isBlank()) {
      String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
      return Optional.of(Path.of(System.getProperty("java.io.tmpdir"), "wattsweep-cds-" + user));
    }
    return value.strip().equals("off") ? Optional.empty() : Optional.of(Path.of(value.strip()));
  }

  /** WATTSWEEP_WORKER_GPUS read against CUDA_VISIBLE_DEVICES; see {@link WorkerConfig#gpus}. */
  static List<String> gpus(String listed, String visible, String gpuClass) {
    List<String> seen = visible(visible);
    if (listed == null || listed.isBlank()) {
      return CPU.equals(gpuClass) ? List.of() : seen;
    }
    String value = listed.strip();
    if (!value.matches("[0-9]+")) {
      return names(WORKER_GPUS, value);
    }
    int count;
    try {
      count = Integer.parseInt(value);
    } catch (NumberFormatException tooLarge) {
      count = Integer.MAX_VALUE;
    }
    if (count < 1 || count > MAX_GPUS) {
      throw new IllegalArgumentException(
          "WATTSWEEP_WORKER_GPUS must be a count in [1, "
              + MAX_GPUS
              + "] or a list of GPUs: "
              + listed);
    }
    if (seen.isEmpty()) {
      return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }
    if (count > seen.size()) {
      throw new IllegalArgumentException(
          "WATTSWEEP_WORKER_GPUS is "
              + count
              + ", but CUDA_VISIBLE_DEVICES names only "
              + seen.size()
              + ": "
              + visible);
    }
    return seen.subList(0, count);
  }

  /**
   * The GPUs CUDA_VISIBLE_DEVICES names, as CUDA reads it: up to the first entry that is not a
   * GPU's name ({@code -1} hides them all).
   */
  private static List<String> visible(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value == null ? new String[0] : value.split(",", -1)) {
      String id = part.strip();
      if (!id.matches(GPU_NAME) || out.contains(id) || out.size() == MAX_GPUS) {
        break;
      }
      out.add(id);
    }
    return List.copyOf(out);
  }

  /** A comma-separated list of GPU names (indices, GPU-... or MIG-... UUIDs), each once. */
  private static List<String> names(String key, String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String id = part.strip();
      if (!id.matches(GPU_NAME) || out.contains(id)) {
        throw new IllegalArgumentException(
            key
                + " must list distinct GPUs (indices or UUIDs),"
                + " comma-separated: '"
                + value
                + "' (at '"
                + part
                + "')");
      }
      out.add(id);
    }
    if (out.size() > MAX_GPUS) {
      throw new IllegalArgumentException(
          key + " names " + out.size() + " GPUs, more than " + MAX_GPUS + ": " + value);
    }
    return List.copyOf(out);
  }

  private static String defaultWorkerId() {
    // "pid@host", as the runtime names itself.
    String[] pidAtHost = ManagementFactory.getRuntimeMXBean().getName().split("@", 2);
    return pidAtHost.length == 2 ? pidAtHost[1] + "-" + pidAtHost[0] : pidAtHost[0];
  }
}
