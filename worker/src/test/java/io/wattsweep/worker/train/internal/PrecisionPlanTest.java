package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.Precision;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RewriterConfig;

class PrecisionPlanTest {

  private static PrecisionPlan onGpu(Precision p, int cudaMajor) {
    return new PrecisionPlan(
        p, true, () -> OptionalInt.of(cudaMajor), null, null, PrecisionPlanTest::nativeBf16);
  }

  private static PrecisionPlan onCpu(Precision p) {
    return new PrecisionPlan(
        p,
        false,
        OptionalInt::empty,
        null,
        p == Precision.BF16 ? "1" : "0",
        PrecisionPlanTest::nativeBf16);
  }

  private static Optional<String> nativeBf16() {
    return Optional.empty();
  }

  private static final String GPU = "/job:localhost/replica:0/task:0/device:GPU:0";
  private static final String CPU = "/job:localhost/replica:0/task:0/device:CPU:0";

  private static GraphDef convolutionsIn(DataType type) {
    return convolutionsIn(type, CPU);
  }

  private static GraphDef convolutionsIn(DataType type, String device) {
    return GraphDef.newBuilder()
        .addNode(
            NodeDef.newBuilder()
                .setOp("Conv3D")
                .setDevice(device)
                .putAttr("T", AttrValue.newBuilder().setType(type).build()))
        .build();
  }

  @Test
  void tf32OnCpuRunsFp32AndSaysWhy() {
    PrecisionPlan.Outcome o = onCpu(Precision.TF32).resolve(List.of());
    assertEquals(Precision.FP32, o.ran());
    assertEquals(
        "tf32 needs an Ampere or newer NVIDIA GPU; this run used fp32 on the CPU;"
            + " CPU kernels: Eigen, oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)",
        o.note());
  }

  @Test
  void everyCpuRunSaysWhichKernelsRanAndAGpuRunDoesNot() {
    assertEquals(
        new PrecisionPlan.Outcome(
            Precision.FP32, "CPU kernels: Eigen, oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)"),
        onCpu(Precision.FP32).resolve(List.of()));
    assertEquals(
        new PrecisionPlan.Outcome(Precision.BF16, "CPU kernels: oneDNN (TF_ENABLE_ONEDNN_OPTS=1)"),
        onCpu(Precision.BF16).resolve(List.of(convolutionsIn(DataType.DT_BFLOAT16))));
    assertEquals(
        "CPU kernels: TensorFlow's choice for this CPU (TF_ENABLE_ONEDNN_OPTS not set)",
        new PrecisionPlan(
                Precision.FP32,
                false,
                OptionalInt::empty,
                null,
                null,
                PrecisionPlanTest::nativeBf16)
            .resolve(List.of())
            .note());
    assertEquals(
        new PrecisionPlan.Outcome(Precision.FP32, ""), onGpu(Precision.FP32, 8).resolve(List.of()));
  }

  @Test
  void tf32OnAmpereRunsTf32AndOnVoltaFp32() {
    assertEquals(
        new PrecisionPlan.Outcome(Precision.TF32, ""), onGpu(Precision.TF32, 8).resolve(List.of()));
    assertEquals(Precision.FP32, onGpu(Precision.TF32, 7).resolve(List.of()).ran());
  }

  @Test
  void tf32IsNotClaimedWhenTheOverrideTurnsItOff() {
    PrecisionPlan plan =
        new PrecisionPlan(
            Precision.TF32,
            true,
            () -> OptionalInt.of(9),
            "0",
            null,
            PrecisionPlanTest::nativeBf16);
    assertEquals(Precision.FP32, plan.resolve(List.of()).ran());
  }

  @Test
  void mixedFp16OnGpuIsReportedOnlyWhenConvolutionsRanInHalf() {
    PrecisionPlan plan = onGpu(Precision.MIXED_FP16, 8);
    ConfigProto.Builder config = ConfigProto.newBuilder();
    plan.configure(config);
    assertEquals(
        RewriterConfig.Toggle.ON,
        config.getGraphOptions().getRewriteOptions().getAutoMixedPrecision());
    assertEquals(
        Precision.MIXED_FP16, plan.resolve(List.of(convolutionsIn(DataType.DT_HALF, GPU))).ran());
    // Left in fp32 on an Ampere GPU, the math ran as tf32, and is named so.
    PrecisionPlan.Outcome fallback = plan.resolve(List.of(convolutionsIn(DataType.DT_FLOAT, GPU)));
    assertEquals(Precision.TF32, fallback.ran());
    assertTrue(
        fallback.note().startsWith("the auto-mixed-precision rewrite left"), fallback.note());
  }

  @Test
  void bf16OnCpuIsReportedOnlyWhenConvolutionsRanInBf16() {
    PrecisionPlan plan = onCpu(Precision.BF16);
    assertTrue(plan.needsExecutedGraphs());
    assertEquals(Precision.BF16, plan.resolve(List.of(convolutionsIn(DataType.DT_BFLOAT16))).ran());
    assertEquals(Precision.FP32, plan.resolve(List.of(convolutionsIn(DataType.DT_FLOAT))).ran());
  }

  @Test
  void mixedFp16OnCpuRunsFp32WithoutAnyRewrite() {
    PrecisionPlan plan = onCpu(Precision.MIXED_FP16);
    ConfigProto.Builder config = ConfigProto.newBuilder();
    plan.configure(config);
    assertEquals(RewriterConfig.getDefaultInstance(), config.getGraphOptions().getRewriteOptions());
    assertFalse(plan.dynamicLossScale());
    assertEquals(Precision.FP32, plan.resolve(List.of()).ran());
  }

  @Test
  void bf16OnACpuWithoutBf16InstructionsSaysItWasEmulated() {
    PrecisionPlan plan =
        new PrecisionPlan(
            Precision.BF16,
            false,
            OptionalInt::empty,
            null,
            "1",
            () -> Optional.of("this CPU has no bf16 instructions"));
    PrecisionPlan.Outcome o = plan.resolve(List.of(convolutionsIn(DataType.DT_BFLOAT16)));
    assertEquals(Precision.BF16, o.ran());
    assertEquals(
        "bf16 emulated: this CPU has no bf16 instructions;"
            + " CPU kernels: oneDNN (TF_ENABLE_ONEDNN_OPTS=1)",
        o.note());
    assertTrue(Precision.BF16.emulatedIn(o.note()));
  }

  @Test
  void bf16IsNativeOnlyWithTheInstructionsAndNoLowerOneDnnCap() {
    String avx2 = "flags\t\t: fpu sse4_2 avx avx2 fma\n";
    String avx512Bf16 = "flags\t\t: fpu avx2 avx512f avx512_bf16 avx512_vnni\n";
    String amx = "flags\t\t: fpu avx2 amx_bf16 amx_tile\n";
    assertTrue(CpuBf16.emulated(avx2, null).orElseThrow().contains("no bf16 instructions"));
    assertTrue(CpuBf16.emulated("flags : avx512_bf16x\n", null).isPresent());
    assertEquals(Optional.empty(), CpuBf16.emulated(avx512Bf16, null));
    assertEquals(Optional.empty(), CpuBf16.emulated(amx, null));
    assertEquals(Optional.empty(), CpuBf16.emulated(avx512Bf16, "AVX512_CORE_BF16"));
    assertEquals(
        Optional.of("ONEDNN_MAX_CPU_ISA=avx2 keeps oneDNN from this CPU's bf16" + " instructions"),
        CpuBf16.emulated(avx512Bf16, "avx2"));
  }

  @Test
  void mixedFp16SaysItsLossScalingAndThatTf32WasOff() {
    PrecisionPlan plan =
        new PrecisionPlan(
            Precision.MIXED_FP16,
            true,
            () -> OptionalInt.of(8),
            "0",
            null,
            PrecisionPlanTest::nativeBf16);
    assertTrue(plan.dynamicLossScale());
    assertEquals(Compute.FP32, plan.compute());
    assertEquals(
        new PrecisionPlan.Outcome(
            Precision.MIXED_FP16,
            "loss scaling dynamic (initial"
                + " 2^15, halved and the step skipped on non-finite gradients, doubled after 2000"
                + " finite steps); TF32 off for the ops left in fp32 (NVIDIA_TF32_OVERRIDE=0)"),
        plan.resolve(List.of(convolutionsIn(DataType.DT_HALF, GPU))));
    String unset =
        onGpu(Precision.MIXED_FP16, 8)
            .resolve(List.of(convolutionsIn(DataType.DT_HALF, GPU)))
            .note();
    assertTrue(
        unset.endsWith("the ops left in fp32 may have run as tf32 (NVIDIA_TF32_OVERRIDE not set)"),
        unset);
  }

  @Test
  void bf16OnAnAmpereGpuBuildsTheBf16GraphWithoutTheCpuRewrite() {
    PrecisionPlan plan =
        new PrecisionPlan(
            Precision.BF16,
            true,
            () -> OptionalInt.of(8),
            "0",
            null,
            PrecisionPlanTest::nativeBf16);
    ConfigProto.Builder config = ConfigProto.newBuilder();
    plan.configure(config);
    assertEquals(RewriterConfig.getDefaultInstance(), config.getGraphOptions().getRewriteOptions());
    assertEquals(Compute.BF16, plan.compute());
    assertFalse(plan.dynamicLossScale());
    assertTrue(plan.needsExecutedGraphs());
    assertEquals(
        new PrecisionPlan.Outcome(
            Precision.BF16,
            "bf16 on the GPU, cast in the graph"
                + " around each convolution and matrix product (TensorFlow's bf16 rewrite covers only"
                + " CPUs); TF32 off for the ops left in fp32 (NVIDIA_TF32_OVERRIDE=0)"),
        plan.resolve(List.of(convolutionsIn(DataType.DT_BFLOAT16, GPU))));
    PrecisionPlan.Outcome fp32 = plan.resolve(List.of(convolutionsIn(DataType.DT_FLOAT, GPU)));
    assertEquals(
        new PrecisionPlan.Outcome(
            Precision.FP32,
            "the bf16 graph's convolutions did not"
                + " run in bf16; this run used fp32 on the GPU"),
        fp32);
    // Without a GPU kernel for bf16, TensorFlow runs the convolution on the CPU: not bf16 on a GPU.
    assertEquals(fp32, plan.resolve(List.of(convolutionsIn(DataType.DT_BFLOAT16, CPU))));
  }

  @Test
  void bf16OnAnOlderGpuOrAnUnknownOneRunsFp32AndSaysWhy() {
    PrecisionPlan volta =
        new PrecisionPlan(
            Precision.BF16,
            true,
            () -> OptionalInt.of(7),
            "0",
            null,
            PrecisionPlanTest::nativeBf16);
    assertEquals(Compute.FP32, volta.compute());
    assertFalse(volta.needsExecutedGraphs());
    assertEquals(
        new PrecisionPlan.Outcome(
            Precision.FP32,
            "bf16 on a GPU needs compute"
                + " capability 8.0 or newer (this GPU's is 7.x); this run used fp32 on the GPU"),
        volta.resolve(List.of()));
    PrecisionPlan unknown =
        new PrecisionPlan(
            Precision.BF16, true, OptionalInt::empty, "0", null, PrecisionPlanTest::nativeBf16);
    assertEquals(Compute.FP32, unknown.compute());
    assertEquals(
        "bf16 on a GPU needs compute capability 8.0 or newer (NVML could not report"
            + " this GPU's); this run used fp32 on the GPU",
        unknown.resolve(List.of()).note());
  }

  @Test
  void bf16OnACpuKeepsTheRewriteAndFp32Products() {
    PrecisionPlan plan = onCpu(Precision.BF16);
    ConfigProto.Builder config = ConfigProto.newBuilder();
    plan.configure(config);
    assertEquals(
        RewriterConfig.Toggle.ON,
        config.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16());
    assertEquals(Compute.FP32, plan.compute());
  }
}
