package io.wattsweep.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.worker.meter.FakeNvmlLibrary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meter command running real {@code sh -c} children, over the TDP estimate or a fake NVML. */
class MeterCommandTest {
  @TempDir static Path dir;
  private static FakeNvmlLibrary nvml;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void buildFakeNvml() throws Exception {
    nvml = FakeNvmlLibrary.build(dir);
  }

  @AfterEach
  void everyNvmlOpenIsShutDown() {
    assertEquals(0, nvml.control().fakeNvmlInitCount());
  }

  /** No GPU, no RAPL: the TDP estimate, at a TDP the test knows. */
  private static Map<String, String> cpuOnly() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("CUDA_VISIBLE_DEVICES");
    env.put("WATTSWEEP_NVML_LIBRARY", dir.resolve("absent/libnvidia-ml.so").toString());
    env.put("WATTSWEEP_POWERCAP_ROOT", dir.resolve("absent").toString());
    env.put("WATTSWEEP_CPU_TDP_WATTS", "50");
    return env;
  }

  private static Map<String, String> withFakeNvml() {
    Map<String, String> env = cpuOnly();
    env.put("WATTSWEEP_NVML_LIBRARY", nvml.file().toString());
    return env;
  }

  private int run(Map<String, String> env, String... args) {
    return new MeterCommand(
            env, out, new PrintStream(err, true, StandardCharsets.UTF_8), System::nanoTime)
        .run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static JsonNode json(Path file) throws IOException {
    return Json.MAPPER.readTree(file.toFile());
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.get(field).asText()));
    return values;
  }

  @Test
  void stepsTileTheRunAndTheExitStatusIsTheCommands() throws IOException {
    Path file = dir.resolve("cpu/meter.json");
    String script =
        "echo hello; echo WATTSWEEP_STEP first; sleep 0.3;"
            + " echo WATTSWEEP_STEP second; sleep 0.2; echo WATTSWEEP_STEP_END; printf 'no newline';"
            + " exit 3";

    int status = run(cpuOnly(), "--json", file.toString(), "--", "sh", "-c", script);

    assertEquals(3, status, err());
    assertEquals(
        "hello\nWATTSWEEP_STEP first\nWATTSWEEP_STEP second\nWATTSWEEP_STEP_END\n" + "no newline",
        out(),
        "the output passes through unchanged");
    assertTrue(err().contains("method: tdp-estimate (estimate)"), err());
    assertTrue(err().contains("TDP 50 W from WATTSWEEP_CPU_TDP_WATTS"), err());
    JsonNode result = json(file);
    assertEquals(3, result.get("exitCode").asInt());
    assertEquals("tdp-estimate", result.get("method").asText());
    assertTrue(result.get("estimate").asBoolean());
    JsonNode steps = result.get("steps");
    assertEquals(List.of("first", "second"), texts(steps, "name"));
    double first = steps.get(0).get("seconds").asDouble();
    double second = steps.get(1).get("seconds").asDouble();
    // An edge is read when its marker arrives, a few milliseconds after the child printed it.
    assertEquals(0.3, first, 0.05, "first step");
    assertEquals(0.2, second, 0.05, "second step");
    double secondStart = steps.get(1).get("startSeconds").asDouble();
    assertEquals(
        steps.get(0).get("startSeconds").asDouble() + first,
        secondStart,
        1e-9,
        "a step ends where the next begins");
    double wall = result.get("wallSeconds").asDouble();
    assertTrue(secondStart + second <= wall, "the steps lie inside the run");
    double energy = result.get("energyJoules").asDouble();
    // The estimate lies between idle (30% of TDP) and full power.
    assertTrue(energy >= 0.3 * 50 * wall * 0.99 && energy <= 50 * wall * 1.01, energy + " J");
    assertTrue(steps.get(0).get("resolutionJoules").asDouble() > 0);
  }

  @Test
  void listedGpusAreGivenToTheCommandAndMeteredOneByOne() throws IOException {
    nvml.configure("gpus=3;watts=300,150,75");
    Path file = dir.resolve("gpu/meter.json");
    String script =
        "echo \"gpus=$CUDA_VISIBLE_DEVICES\"; echo WATTSWEEP_STEP load; sleep 0.6;"
            + " echo WATTSWEEP_STEP_END; sleep 0.1";

    int status =
        run(withFakeNvml(), "--gpus", "1,0", "--json", file.toString(), "--", "sh", "-c", script);

    assertEquals(0, status, err());
    assertTrue(out().startsWith("gpus=1,0\n"), out());
    assertTrue(err().contains("method: nvml-energy-counter\n"), err());
    assertFalse(err().contains("(estimate)"), err());
    JsonNode result = json(file);
    assertFalse(result.get("estimate").asBoolean());
    JsonNode devices = result.get("devices");
    assertEquals(List.of("1", "0"), texts(devices, "index"));
    double wall = result.get("wallSeconds").asDouble();
    // The counter ticks every 100 ms: each device is exact to its power x 0.1 s.
    assertEnergy(150, wall, devices.get(0).get("energyJoules").asDouble());
    assertEnergy(300, wall, devices.get(1).get("energyJoules").asDouble());
    assertEquals(
        devices.get(0).get("energyJoules").asDouble()
            + devices.get(1).get("energyJoules").asDouble(),
        result.get("energyJoules").asDouble(),
        1e-6);
    JsonNode step = result.get("steps").get(0);
    assertEquals("load", step.get("name").asText());
    assertEnergy(450, step.get("seconds").asDouble(), step.get("energyJoules").asDouble());
    assertEquals(45, step.get("resolutionJoules").asDouble(), 1e-9);
    assertEquals(2, step.get("deviceEnergyJoules").size());
  }

  private static void assertEnergy(double watts, double seconds, double joules) {
    // One tick at each edge, and a little for the reads' own time.
    double tolerance = watts * 0.1 + watts * 0.01;
    assertEquals(watts * seconds, joules, tolerance, watts + " W for " + seconds + " s");
  }

  @Test
  void withoutGpusOptionEveryGpuIsMetered() {
    nvml.configure("gpus=2;watts=100,200");
    int status = run(withFakeNvml(), "--", "true");
    assertEquals(0, status, err());
    assertTrue(err().contains("NVML on GPU(s) [0 (NVIDIA H200), 1 (NVIDIA H200)]"), err());
  }

  @Test
  void cudaVisibleDevicesPicksTheGpusWhenNoneAreListed() {
    nvml.configure("gpus=4;watts=100");
    Map<String, String> env = withFakeNvml();
    env.put("CUDA_VISIBLE_DEVICES", "2");
    int status = run(env, "--", "sh", "-c", "echo $CUDA_VISIBLE_DEVICES");
    assertEquals(0, status, err());
    assertEquals("2\n", out());
    assertTrue(err().contains("NVML on GPU(s) [2 (NVIDIA H200)]"), err());
  }

  @Test
  void aGpuThatDoesNotExistIsAUsageError() {
    nvml.configure("gpus=2");
    int status = run(withFakeNvml(), "--gpus", "7", "--", "true");
    assertEquals(MeterCommand.USAGE_ERROR, status);
    assertTrue(err().contains("GPU '7' cannot be metered"), err());
  }

  @Test
  void withoutNvmlListedGpusFallBackToTheCpuAndSaySo() {
    int status = run(cpuOnly(), "--gpus", "0", "--", "true");
    assertEquals(0, status, err());
    assertTrue(err().contains("method: tdp-estimate (estimate)"), err());
    assertTrue(err().contains("no GPU metered: the NVML library cannot be loaded"), err());
  }

  @Test
  void aCommandThatCannotStartExitsWith127() {
    int status = run(cpuOnly(), "--", dir.resolve("no-such-command").toString());
    assertEquals(MeterCommand.CANNOT_RUN, status);
    assertTrue(err().contains("cannot run"), err());
  }

  @Test
  void manyStepsAreGroupedByName() throws IOException {
    Path file = dir.resolve("many/meter.json");
    String script =
        "i=0; while [ $i -lt 45 ]; do echo WATTSWEEP_STEP batch; i=$((i+1)); done;"
            + " echo WATTSWEEP_STEP; echo WATTSWEEP_STEP";
    int status = run(cpuOnly(), "--json", file.toString(), "--", "sh", "-c", script);
    assertEquals(0, status, err());
    JsonNode steps = json(file).get("steps");
    assertEquals(47, steps.size(), "every step is kept in the JSON");
    assertEquals("step-46", steps.get(45).get("name").asText(), "an unnamed step is numbered");
    assertTrue(err().lines().anyMatch(l -> l.matches("batch\\s+45\\s.*")), err());
  }
}
