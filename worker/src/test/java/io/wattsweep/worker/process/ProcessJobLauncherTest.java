package io.wattsweep.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessJobLauncherTest {

  private static JobSpec job(Precision precision, int gpus) {
    return job("3dgan", precision, gpus);
  }

  private static JobSpec job(String model, Precision precision, int gpus) {
    return new JobSpec(
        "sw-1-job",
        "sw-1",
        model,
        0.25,
        "cpu",
        precision,
        4,
        gpus,
        2,
        10,
        new FullTraining(360000, 30),
        null,
        null,
        null);
  }

  @Test
  void jobsOnOneDeviceRunOnOneDnnAndLogicalCpuTowersOnEigenUnlessBf16() {
    assertEquals("1", ProcessJobLauncher.oneDnnOpts(job(Precision.FP32, 1)));
    assertEquals("1", ProcessJobLauncher.oneDnnOpts(job(Precision.BF16, 1)));
    assertEquals("0", ProcessJobLauncher.oneDnnOpts(job(Precision.FP32, 2)));
    assertEquals("1", ProcessJobLauncher.oneDnnOpts(job(Precision.BF16, 2)));
  }

  @Test
  void aCommandWorkloadsProcessStartsLightAndABuiltInModelsKeepsTheJvmDefaults() {
    assertEquals(
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
        ProcessJobLauncher.jvmOptions(job("command:sleep", Precision.FP32, 1)));
    assertEquals(List.of(), ProcessJobLauncher.jvmOptions(job(Precision.FP32, 1)));
  }

  @Test
  void onlyATf32JobKeepsTf32OnForItsFp32Ops() {
    assertTrue(ProcessJobLauncher.tf32Off(job(Precision.FP32, 1)));
    assertTrue(ProcessJobLauncher.tf32Off(job(Precision.MIXED_FP16, 1)));
    assertTrue(ProcessJobLauncher.tf32Off(job(Precision.BF16, 1)));
    assertFalse(ProcessJobLauncher.tf32Off(job(Precision.TF32, 1)));
  }

  @Test
  void jobProcessesGetNoKafkaCredentialsAndNotTheWorkersGpus() {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "WATTSWEEP_KAFKA_BOOTSTRAP", "kafka:9093",
                "WATTSWEEP_KAFKA_SASL_PASSWORD", "secret",
                "WATTSWEEP_KAFKA_SASL_PASSWORD_FILE", "/run/secrets/kafka",
                "WATTSWEEP_WORKER_GPUS", "4",
                "WATTSWEEP_GPU_CLASS", "a100",
                "PATH", "/usr/bin"));

    ProcessJobLauncher.withoutWorkerSettings(env);

    assertEquals(Map.of("WATTSWEEP_GPU_CLASS", "a100", "PATH", "/usr/bin"), env);
  }
}
