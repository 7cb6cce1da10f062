package io.wattsweep.worker.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.BuiltInModel;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.Workloads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's PyTorch 3DGAN ({@code examples/threedgan_torch.py}) as a user runs it: under
 * {@code wattsweep meter} on the CPU. Runs where a Python with torch is installed (deploy/test/
 * prepare.sh installs Debian's python3-torch).
 */
class TorchExampleTest {

  private static final Path SCRIPT =
      Path.of("..", "deploy", "dist", "src", "examples", "threedgan_torch.py").toAbsolutePath();

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void twoBatchesOfTheTorch3dganRunUnderTheMeterWithTheJavaModelsParameterCounts()
      throws IOException {
    Optional<String> python = pythonWithTorch();
    assertTrue(
        python.isPresent(),
        "this test needs a python3 with torch: apt-get install"
            + " python3-torch (./wattsweep test installs it)");
    Path json = dir.resolve("meter.json");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("CUDA_VISIBLE_DEVICES");
    env.put("WATTSWEEP_NVML_LIBRARY", dir.resolve("absent/libnvidia-ml.so").toString());
    env.put("WATTSWEEP_POWERCAP_ROOT", dir.resolve("absent").toString());
    env.put("WATTSWEEP_CPU_TDP_WATTS", "50");

    int status =
        new MeterCommand(
                env, out, new PrintStream(err, true, StandardCharsets.UTF_8), System::nanoTime)
            .run(
                "--json",
                json.toString(),
                "--",
                python.get(),
                SCRIPT.toString(),
                "--device",
                "cpu",
                "--batch",
                "1",
                "--steps",
                "2");

    String printed = out.toString(StandardCharsets.UTF_8);
    ModelInfo java = Workloads.describe(BuiltInModel.GAN_3D, 1, 1);
    JsonNode steps = Json.MAPPER.readTree(json.toFile()).get("steps");
    assertAll(
        () -> assertEquals(0, status, printed + err.toString(StandardCharsets.UTF_8)),
        () ->
            assertTrue(
                printed.contains(
                    "generator "
                        + java.generatorParameters()
                        + " and discriminator "
                        + java.discriminatorParameters()
                        + " parameters"),
                printed),
        () -> assertEquals(2, steps.size(), steps.toString()),
        () -> assertTrue(steps.get(0).get("name").asText().equals("batch"), steps.toString()),
        () -> assertTrue(steps.get(1).get("seconds").asDouble() > 0, steps.toString()));
  }

  /** The first of the usual interpreters that imports torch. */
  private static Optional<String> pythonWithTorch() {
    return Stream.of("python3", "/usr/bin/python3")
        .filter(TorchExampleTest::importsTorch)
        .findFirst();
  }

  private static boolean importsTorch(String python) {
    try {
      Process p =
          new ProcessBuilder(List.of(python, "-c", "import torch"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
