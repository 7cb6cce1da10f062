package io.wattsweep.worker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.command.CommandWorkload;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobWorkloadsTest {
  @TempDir Path dir;

  private static WorkloadSpec spec(String model) {
    return WorkloadSpec.of(
        new JobSpec(
            "s1-abc", "s1", model, 1.0, "cpu", Precision.FP32, 8, 1, 0, 1, null, null, null, null),
        1);
  }

  @Test
  void aCommandModelOpensTheConfiguredCommand() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("commands.yaml"),
            "commands:\n  w:\n    argv: [python3, -c, 'print(\"WATTSWEEP_STEP\")']\n");
    var workloads =
        new JobWorkloads(
            WorkerConfig.fromEnv(Map.of("WATTSWEEP_COMMANDS_FILE", file.toString())), Map.of());

    try (Workload w = workloads.open(spec("command:w"))) {
      assertInstanceOf(CommandWorkload.class, w);
    }
  }

  @Test
  void aModelThisWorkerLacksIsRejectedNamingIt() {
    var workloads = new JobWorkloads(WorkerConfig.fromEnv(Map.of()), Map.of());

    IllegalArgumentException command =
        assertThrows(IllegalArgumentException.class, () -> workloads.open(spec("command:w")));
    assertTrue(
        command.getMessage().startsWith("command workload 'w' is not configured"),
        command.getMessage());
    IllegalArgumentException builtIn =
        assertThrows(
            IllegalArgumentException.class,
            () -> workloads.open(new WorkloadSpec("stylegan", 1, Precision.FP32, 8, 1, 1)));
    assertEquals("model must be one of 3dgan, vae-progan: 'stylegan'", builtIn.getMessage());
  }
}
