package io.wattsweep.worker;

import io.wattsweep.common.Env;
import io.wattsweep.common.spec.Checks;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

/**
 * A worker's settings, read once from the environment. The job processes it starts inherit the
 * environment and read the same settings.
 *
 * @param kafkaBootstrap WATTSWEEP_KAFKA_BOOTSTRAP: Kafka's bootstrap servers
 * @param gpuClass WATTSWEEP_GPU_CLASS: the class of jobs this worker takes ("cpu" by default)
 * @param workerId WATTSWEEP_WORKER_ID: unique per worker (default host-pid)
 * @param heartbeatInterval WATTSWEEP_HEARTBEAT_INTERVAL_MS
 * @param powerSampleInterval WATTSWEEP_POWER_SAMPLE_INTERVAL_MS: live power samples of a run
 * @param idleBaseline WATTSWEEP_IDLE_BASELINE_MS: how long idle power is measured before a run
 * @param cpuTdpWatts WATTSWEEP_CPU_TDP_WATTS: the CPU package's TDP, for the estimate used where
 *     no energy counter can be read (default 10 W per visible core)
 * @param cpuIdleFraction WATTSWEEP_CPU_IDLE_FRACTION: idle power as a fraction of TDP, for the
 *     same estimate
 * @param jobHeapMb WATTSWEEP_JOB_HEAP_MB: heap of each job's process
 * @param jobTimeout WATTSWEEP_JOB_TIMEOUT_MS: a job running longer is stopped and failed
 */
public record WorkerConfig(
    String kafkaBootstrap, String gpuClass, String workerId, Duration heartbeatInterval,
    Duration powerSampleInterval, Duration idleBaseline, double cpuTdpWatts,
    double cpuIdleFraction, int jobHeapMb, Duration jobTimeout) {

  public WorkerConfig {
    Checks.name("WATTSWEEP_GPU_CLASS", gpuClass);
    Checks.atLeast("WATTSWEEP_JOB_HEAP_MB", jobHeapMb, 64);
  }

  public static WorkerConfig fromEnv(Map<String, String> env) {
    var e = new Env(env);
    int cores = Runtime.getRuntime().availableProcessors();
    return new WorkerConfig(
        e.string("WATTSWEEP_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        e.string("WATTSWEEP_GPU_CLASS", "cpu"),
        e.string("WATTSWEEP_WORKER_ID", defaultWorkerId()),
        Duration.ofMillis(e.integer("WATTSWEEP_HEARTBEAT_INTERVAL_MS", 5_000)),
        Duration.ofMillis(e.integer("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", 1_000)),
        Duration.ofMillis(e.integer("WATTSWEEP_IDLE_BASELINE_MS", 1_000)),
        e.number("WATTSWEEP_CPU_TDP_WATTS", 10.0 * cores),
        e.number("WATTSWEEP_CPU_IDLE_FRACTION", 0.3),
        e.integer("WATTSWEEP_JOB_HEAP_MB", 2048),
        Duration.ofMillis(e.integer("WATTSWEEP_JOB_TIMEOUT_MS", 30 * 60_000)));
  }

  private static String defaultWorkerId() {
    // "pid@host", as the runtime names itself.
    String[] pidAtHost = ManagementFactory.getRuntimeMXBean().getName().split("@", 2);
    return pidAtHost.length == 2 ? pidAtHost[1] + "-" + pidAtHost[0] : pidAtHost[0];
  }
}
