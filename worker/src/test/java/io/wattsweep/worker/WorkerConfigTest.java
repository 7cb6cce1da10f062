package io.wattsweep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

  @Test
  void artifactsGoToADirectoryUnderTheDataDirectoryByDefault() {
    WorkerConfig config = WorkerConfig.fromEnv(Map.of());

    assertEquals(URI.create("file:./wattsweep-data/artifacts"), config.artifactStore());
    assertNull(config.s3());
  }

  @Test
  void onceComesFromTheFlagOrTheEnvironmentAndBadSettingsAreNamed() {
    assertFalse(WorkerConfig.fromEnv(Map.of()).once());
    assertTrue(WorkerConfig.fromEnv(Map.of(), List.of("--once")).once());
    assertTrue(WorkerConfig.fromEnv(Map.of("WATTSWEEP_WORKER_ONCE", "TRUE")).once());
    assertEquals(
        Duration.ofSeconds(30),
        WorkerConfig.fromEnv(Map.of("WATTSWEEP_IDLE_EXIT_MS", "30000")).idleExit());
    assertEquals(
        "unknown worker argument '--twice'; known: --once",
        assertThrows(
                IllegalArgumentException.class,
                () -> WorkerConfig.fromEnv(Map.of(), List.of("--twice")))
            .getMessage());
    assertEquals(
        "WATTSWEEP_WORKER_ONCE must be true or false: 'yes'",
        assertThrows(
                IllegalArgumentException.class,
                () -> WorkerConfig.fromEnv(Map.of("WATTSWEEP_WORKER_ONCE", "yes")))
            .getMessage());
    assertEquals(
        "WATTSWEEP_IDLE_EXIT_MS must be >= 0: -1",
        assertThrows(
                IllegalArgumentException.class,
                () -> WorkerConfig.fromEnv(Map.of("WATTSWEEP_IDLE_EXIT_MS", "-1")))
            .getMessage());
  }

  @Test
  void jobClassArchivesAreKeptInTheTemporaryDirectoryUnlessMovedOrOff() {
    Path dflt = WorkerConfig.fromEnv(Map.of()).jobClassArchives().orElseThrow();
    assertEquals(Path.of(System.getProperty("java.io.tmpdir")), dflt.getParent());
    assertTrue(dflt.getFileName().toString().startsWith("wattsweep-cds-"), dflt.toString());
    assertEquals(
        Optional.of(Path.of("/var/cache/wattsweep")),
        WorkerConfig.fromEnv(Map.of("WATTSWEEP_JOB_CDS_DIR", "/var/cache/wattsweep"))
            .jobClassArchives());
    assertEquals(
        Optional.empty(),
        WorkerConfig.fromEnv(Map.of("WATTSWEEP_JOB_CDS_DIR", "off")).jobClassArchives());
  }

  @Test
  void spareJobProcessesAreOnForGpuWorkersOffForCpuWorkersAndNeverForOneJob() {
    String key = "WATTSWEEP_SPARE_JOB_PROCESS";
    assertFalse(WorkerConfig.fromEnv(Map.of()).spareJobProcesses(), "a CPU worker's meter");
    assertTrue(WorkerConfig.fromEnv(Map.of("WATTSWEEP_GPU_CLASS", "a100")).spareJobProcesses());
    assertTrue(WorkerConfig.fromEnv(Map.of(key, "on")).spareJobProcesses());
    assertFalse(
        WorkerConfig.fromEnv(Map.of("WATTSWEEP_GPU_CLASS", "a100", key, "off"))
            .spareJobProcesses());
    assertFalse(
        WorkerConfig.fromEnv(Map.of("WATTSWEEP_GPU_CLASS", "a100", key, "on"), List.of("--once"))
            .spareJobProcesses());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WorkerConfig.fromEnv(Map.of(key, "yes")));
    assertEquals("WATTSWEEP_SPARE_JOB_PROCESS must be auto, on or off: 'yes'", e.getMessage());
  }

  @Test
  void anUnknownStoreSchemeIsRejectedNamingTheKeyAndValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorkerConfig.fromEnv(Map.of("WATTSWEEP_ARTIFACT_STORE", "gs://bucket/x")));

    assertEquals(
        "WATTSWEEP_ARTIFACT_STORE must be a file: or s3:// URI: 'gs://bucket/x'", e.getMessage());
  }

  @Test
  void anS3StoreNeedsCredentialsAndNamesTheMissingOne() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WorkerConfig.fromEnv(
                    Map.of(
                        "WATTSWEEP_ARTIFACT_STORE",
                        "s3://models/runs",
                        "AWS_ACCESS_KEY_ID",
                        "AKIDTEST")));

    assertEquals(
        "AWS_SECRET_ACCESS_KEY must be set when WATTSWEEP_ARTIFACT_STORE is an S3"
            + " bucket: 's3://models/runs'",
        e.getMessage());
  }

  @Test
  void anS3StoreReadsItsEndpointAndRegionAndNeverPrintsTheSecret() {
    WorkerConfig config =
        WorkerConfig.fromEnv(
            Map.of(
                "WATTSWEEP_ARTIFACT_STORE",
                "s3://models",
                "AWS_ACCESS_KEY_ID",
                "AKIDTEST",
                "AWS_SECRET_ACCESS_KEY",
                "very-secret",
                "AWS_REGION",
                "eu-west-1",
                "WATTSWEEP_S3_ENDPOINT",
                "http://minio:9000"));

    assertEquals(URI.create("http://minio:9000"), config.s3().endpoint());
    assertEquals("eu-west-1", config.s3().region());
    assertFalse(config.toString().contains("very-secret"), config.toString());
  }

  @Test
  void aGpuWorkerOwnsTheGpusItIsGivenOrThoseCudaShowsItAndBadListsAreNamed() {
    assertEquals(List.of(), gpus(Map.of()), "a CPU worker runs one job at a time");
    assertEquals(List.of(), gpus(Map.of("WATTSWEEP_GPU_CLASS", "a100")));
    assertEquals(
        List.of("0", "1", "2", "3"),
        gpus(Map.of("WATTSWEEP_GPU_CLASS", "a100", "WATTSWEEP_WORKER_GPUS", "4")));
    assertEquals(
        List.of("4", "6"),
        gpus(
            Map.of(
                "WATTSWEEP_GPU_CLASS",
                "a100",
                "WATTSWEEP_WORKER_GPUS",
                "2",
                "CUDA_VISIBLE_DEVICES",
                "4,6,7")));
    assertEquals(
        List.of("4", "6", "7"),
        gpus(Map.of("WATTSWEEP_GPU_CLASS", "a100", "CUDA_VISIBLE_DEVICES", "4,6,7")));
    assertEquals(
        List.of("GPU-8f2c", "MIG-1a/2"),
        gpus(
            Map.of(
                "WATTSWEEP_GPU_CLASS", "h100", "WATTSWEEP_WORKER_GPUS", " GPU-8f2c, MIG-1a/2 ")));
    assertEquals(
        List.of("0"),
        gpus(Map.of("WATTSWEEP_GPU_CLASS", "a100", "CUDA_VISIBLE_DEVICES", "0,-1,2")),
        "CUDA stops at the first name that is no GPU's");
    assertEquals(
        List.of(), gpus(Map.of("WATTSWEEP_GPU_CLASS", "a100", "CUDA_VISIBLE_DEVICES", "-1")));

    assertEquals(
        "WATTSWEEP_WORKER_GPUS names GPUs [0, 1], but WATTSWEEP_GPU_CLASS is cpu: a CPU"
            + " worker runs one job at a time",
        badGpus(Map.of("WATTSWEEP_WORKER_GPUS", "0,1")));
    assertEquals(
        "WATTSWEEP_WORKER_GPUS is 3, but CUDA_VISIBLE_DEVICES names only 2: 0,1",
        badGpus(
            Map.of(
                "WATTSWEEP_GPU_CLASS",
                "a100",
                "WATTSWEEP_WORKER_GPUS",
                "3",
                "CUDA_VISIBLE_DEVICES",
                "0,1")));
    assertEquals(
        "WATTSWEEP_WORKER_GPUS must be a count in [1, 64] or a list of GPUs: 0",
        badGpus(Map.of("WATTSWEEP_GPU_CLASS", "a100", "WATTSWEEP_WORKER_GPUS", "0")));
    assertEquals(
        "WATTSWEEP_WORKER_GPUS must be a count in [1, 64] or a list of GPUs:"
            + " 99999999999999999999",
        badGpus(
            Map.of(
                "WATTSWEEP_GPU_CLASS", "a100", "WATTSWEEP_WORKER_GPUS", "99999999999999999999")));
    assertEquals(
        "WATTSWEEP_WORKER_GPUS must list distinct GPUs (indices or UUIDs), comma-separated:"
            + " '0,0' (at '0')",
        badGpus(Map.of("WATTSWEEP_GPU_CLASS", "a100", "WATTSWEEP_WORKER_GPUS", "0,0")));
    assertEquals(
        "WATTSWEEP_WORKER_GPUS must list distinct GPUs (indices or UUIDs), comma-separated:"
            + " '0,;rm -rf' (at ';rm -rf')",
        badGpus(Map.of("WATTSWEEP_GPU_CLASS", "a100", "WATTSWEEP_WORKER_GPUS", "0,;rm -rf")));
  }

  private static List<String> gpus(Map<String, String> env) {
    return WorkerConfig.fromEnv(env).gpus();
  }

  private static String badGpus(Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> WorkerConfig.fromEnv(env))
        .getMessage();
  }
}
