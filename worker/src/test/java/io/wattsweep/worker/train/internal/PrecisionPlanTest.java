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
    return new PrecisionPlan(p, false, OptionalInt::empty, null, p == Precision.BF16 ? "1" : "0",
        PrecisionPlanTest::nativeBf16);
  }

  private static Optional<String> nativeBf16() {
    return Optional.empty();
  }

  private static GraphDef convolutionsIn(DataType type) {
    return GraphDef.newBuilder()
        .addNode(
            NodeDef.newBuilder()
                .setOp("Conv3D")
                .putAttr("T", AttrValue.newBuilder().setType(type).build()))
        .build();
  }

  @Test
  void tf32OnCpuRunsFp32AndSaysWhy() {
    PrecisionPlan.Outcome o = onCpu(Precision.TF32).resolve(List.of());
    assertEquals(Precision.FP32, o.ran());
    assertEquals("tf32 needs an Ampere or newer NVIDIA GPU; this run used fp32 on the CPU;"
        + " CPU kernels: Eigen, oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)", o.note());
  }

  @Test
  void everyCpuRunSaysWhichKernelsRanAndAGpuRunDoesNot() {
    assertEquals(new PrecisionPlan.Outcome(Precision.FP32,
            "CPU kernels: Eigen, oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)"),
        onCpu(Precision.FP32).resolve(List.of()));
    assertEquals(new PrecisionPlan.Outcome(Precision.BF16,
            "CPU kernels: oneDNN (TF_ENABLE_ONEDNN_OPTS=1)"),
        onCpu(Precision.BF16).resolve(List.of(convolutionsIn(DataType.DT_BFLOAT16))));
    assertEquals("CPU kernels: TensorFlow's choice for this CPU (TF_ENABLE_ONEDNN_OPTS not set)",
        new PrecisionPlan(
                Precision.FP32, false, OptionalInt::empty, null, null, PrecisionPlanTest::nativeBf16)
            .resolve(List.of()).note());
    assertEquals(new PrecisionPlan.Outcome(Precision.FP32, ""),
        onGpu(Precision.FP32, 8).resolve(List.of()));
  }

  @Test
  void tf32OnAmpereRunsTf32AndOnVoltaFp32() {
    assertEquals(
        new PrecisionPlan.Outcome(Precision.TF32, ""), onGpu(Precision.TF32, 8).resolve(List.of()));
    assertEquals(Precision.FP32, onGpu(Precision.TF32, 7).resolve(List.of()).ran());
  }

  @Test
  void tf32IsNotClaimedWhenTheOverrideTurnsItOff() {
    PrecisionPlan plan = new PrecisionPlan(Precision.TF32, true, () -> OptionalInt.of(9), "0",
        null, PrecisionPlanTest::nativeBf16);
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
        Precision.MIXED_FP16, plan.resolve(List.of(convolutionsIn(DataType.DT_HALF))).ran());
    // Left in fp32 on an Ampere GPU, the math ran as tf32, and is named so.
    PrecisionPlan.Outcome fallback = plan.resolve(List.of(convolutionsIn(DataType.DT_FLOAT)));
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
    PrecisionPlan plan = new PrecisionPlan(Precision.BF16, false, OptionalInt::empty, null, "1",
        () -> Optional.of("this CPU has no bf16 instructions"));
    PrecisionPlan.Outcome o = plan.resolve(List.of(convolutionsIn(DataType.DT_BFLOAT16)));
    assertEquals(Precision.BF16, o.ran());
    assertEquals("bf16 emulated: this CPU has no bf16 instructions;"
        + " CPU kernels: oneDNN (TF_ENABLE_ONEDNN_OPTS=1)", o.note());
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
    assertEquals(Optional.of("ONEDNN_MAX_CPU_ISA=avx2 keeps oneDNN from this CPU's bf16"
        + " instructions"), CpuBf16.emulated(avx512Bf16, "avx2"));
  }
}
