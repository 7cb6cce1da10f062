package io.wattsweep.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessJobLauncherTest {

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
