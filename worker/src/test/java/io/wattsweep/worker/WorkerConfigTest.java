package io.wattsweep.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    assertEquals(Duration.ofSeconds(30),
        WorkerConfig.fromEnv(Map.of("WATTSWEEP_IDLE_EXIT_MS", "30000")).idleExit());
    assertEquals("unknown worker argument '--twice'; known: --once",
        assertThrows(IllegalArgumentException.class,
            () -> WorkerConfig.fromEnv(Map.of(), List.of("--twice"))).getMessage());
    assertEquals("WATTSWEEP_WORKER_ONCE must be true or false: 'yes'",
        assertThrows(IllegalArgumentException.class,
            () -> WorkerConfig.fromEnv(Map.of("WATTSWEEP_WORKER_ONCE", "yes"))).getMessage());
    assertEquals("WATTSWEEP_IDLE_EXIT_MS must be >= 0: -1",
        assertThrows(IllegalArgumentException.class,
            () -> WorkerConfig.fromEnv(Map.of("WATTSWEEP_IDLE_EXIT_MS", "-1"))).getMessage());
  }

  @Test
  void anUnknownStoreSchemeIsRejectedNamingTheKeyAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WorkerConfig.fromEnv(Map.of("WATTSWEEP_ARTIFACT_STORE", "gs://bucket/x")));

    assertEquals("WATTSWEEP_ARTIFACT_STORE must be a file: or s3:// URI: 'gs://bucket/x'",
        e.getMessage());
  }

  @Test
  void anS3StoreNeedsCredentialsAndNamesTheMissingOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WorkerConfig.fromEnv(Map.of("WATTSWEEP_ARTIFACT_STORE", "s3://models/runs",
            "AWS_ACCESS_KEY_ID", "AKIDTEST")));

    assertEquals("AWS_SECRET_ACCESS_KEY must be set when WATTSWEEP_ARTIFACT_STORE is an S3"
        + " bucket: 's3://models/runs'", e.getMessage());
  }

  @Test
  void anS3StoreReadsItsEndpointAndRegionAndNeverPrintsTheSecret() {
    WorkerConfig config = WorkerConfig.fromEnv(Map.of("WATTSWEEP_ARTIFACT_STORE", "s3://models",
        "AWS_ACCESS_KEY_ID", "AKIDTEST", "AWS_SECRET_ACCESS_KEY", "very-secret",
        "AWS_REGION", "eu-west-1", "WATTSWEEP_S3_ENDPOINT", "http://minio:9000"));

    assertEquals(URI.create("http://minio:9000"), config.s3().endpoint());
    assertEquals("eu-west-1", config.s3().region());
    assertFalse(config.toString().contains("very-secret"), config.toString());
  }
}
