package io.wattsweep.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecipeTest {
  private static final List<String> GPU0 = List.of("0");

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

  private static Recipe of(JobSpec job, List<String> gpus) {
    return Recipe.of(job, gpus, 2048, Map.of());
  }

  private static String oneDnn(Precision precision, int gpus) {
    return of(job(precision, gpus), List.of()).env().get("TF_ENABLE_ONEDNN_OPTS");
  }

  @Test
  void jobsOnOneDeviceRunOnOneDnnAndLogicalCpuTowersOnEigenUnlessBf16() {
    assertEquals("1", oneDnn(Precision.FP32, 1));
    assertEquals("1", oneDnn(Precision.BF16, 1));
    assertEquals("0", oneDnn(Precision.FP32, 2));
    assertEquals("1", oneDnn(Precision.BF16, 2));
  }

  @Test
  void anOperatorsOneDnnSettingWinsUnlessEmpty() {
    var job = job(Precision.FP32, 2);
    assertNull(
        Recipe.of(job, List.of(), 2048, Map.of("TF_ENABLE_ONEDNN_OPTS", "1"))
            .env()
            .get("TF_ENABLE_ONEDNN_OPTS"));
    assertEquals(
        "0",
        Recipe.of(job, List.of(), 2048, Map.of("TF_ENABLE_ONEDNN_OPTS", " "))
            .env()
            .get("TF_ENABLE_ONEDNN_OPTS"));
  }

  @Test
  void aCommandWorkloadsProcessStartsLightAndABuiltInModelsKeepsTheJvmDefaults() {
    assertEquals(
        List.of("-Xmx2048m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
        of(job("command:sleep", Precision.FP32, 1), GPU0).options());
    assertEquals(List.of("-Xmx2048m"), of(job(Precision.FP32, 1), GPU0).options());
  }

  @Test
  void onlyATf32JobKeepsTf32OnForItsFp32Ops() {
    for (Precision p : List.of(Precision.FP32, Precision.MIXED_FP16, Precision.BF16)) {
      assertEquals("0", of(job(p, 1), GPU0).env().get("NVIDIA_TF32_OVERRIDE"), p.toString());
    }
    assertFalse(of(job(Precision.TF32, 1), GPU0).env().containsKey("NVIDIA_TF32_OVERRIDE"));
  }

  @Test
  void aJobSeesOnlyItsOwnDevices() {
    assertEquals(
        "1,3", of(job(Precision.FP32, 2), List.of("1", "3")).env().get("CUDA_VISIBLE_DEVICES"));
    assertFalse(of(job(Precision.FP32, 1), List.of()).env().containsKey("CUDA_VISIBLE_DEVICES"));
  }

  @Test
  void aProcessServesAJobStartedTheSameWayAndAFullJvmServesALightOne() {
    Recipe builtIn = of(job(Precision.FP32, 1), GPU0);
    Recipe command = of(job("command:sleep", Precision.FP32, 1), GPU0);

    assertTrue(builtIn.serves(of(job(Precision.FP32, 1), GPU0)));
    assertTrue(builtIn.serves(command), "a full JVM runs a command's process too");
    assertFalse(command.serves(builtIn), "a light JVM would slow a model that trains in it");
    assertFalse(builtIn.serves(of(job(Precision.FP32, 1), List.of("1"))), "other devices");
    assertFalse(builtIn.serves(of(job(Precision.TF32, 1), GPU0)), "TF32 left on");
    assertFalse(builtIn.serves(Recipe.of(job(Precision.FP32, 1), GPU0, 4096, Map.of())), "heap");
  }

  @Test
  void theFirstGuessServesOneDeviceJobsInAnyPrecisionButTf32() {
    Recipe guess = Recipe.firstGuess(GPU0, 2048, Map.of());

    assertTrue(guess.serves(of(job(Precision.FP32, 1), GPU0)));
    assertTrue(guess.serves(of(job(Precision.BF16, 1), GPU0)));
    assertTrue(guess.serves(of(job("command:sleep", Precision.MIXED_FP16, 1), GPU0)));
    assertFalse(guess.serves(of(job(Precision.TF32, 1), GPU0)));
    assertFalse(guess.serves(of(job(Precision.FP32, 2), List.of("0", "1"))));
  }
}
