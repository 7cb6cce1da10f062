package io.wattsweep.worker.train.internal;

import io.wattsweep.common.spec.Precision;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.RewriterConfig;

/**
 * How a requested precision is run, and what actually ran. fp16 on GPUs and bf16 on CPUs come from
 * TensorFlow's auto-mixed-precision graph rewrites; bf16 on GPUs, which those rewrites do not
 * cover, is built into the graph. Whether low precision ran is read back from the graphs the
 * session executed (a rewrite skips devices that lack support without failing), never assumed.
 */
public final class PrecisionPlan {

  /** What ran and, when it is not what was asked, why. */
  public record Outcome(Precision ran, String note) {}

  private static final int AMPERE = 8;

  private final Precision requested;
  private final boolean gpu;
  private final Supplier<OptionalInt> cudaMajor;
  private OptionalInt cudaMajorRead;
  private final String tf32Override;
  private final String onednnOpts;
  private final Supplier<Optional<String>> bf16Emulated;

  /**
   * @param gpu whether the towers run on GPUs
   * @param cudaMajor the GPUs' lowest compute capability, read only when needed
   * @param tf32Override the value of {@code NVIDIA_TF32_OVERRIDE}, or null
   * @param onednnOpts the value of {@code TF_ENABLE_ONEDNN_OPTS}, or null
   * @param bf16Emulated why the CPU emulates bf16, empty where it has bf16 instructions; read only
   *     when bf16 ran on a CPU
   */
  PrecisionPlan(
      Precision requested,
      boolean gpu,
      Supplier<OptionalInt> cudaMajor,
      String tf32Override,
      String onednnOpts,
      Supplier<Optional<String>> bf16Emulated) {
    this.requested = requested;
    this.gpu = gpu;
    this.cudaMajor = cudaMajor;
    this.tf32Override = tf32Override;
    this.onednnOpts = onednnOpts;
    this.bf16Emulated = bf16Emulated;
  }

  /** Turns on the rewrite the request needs, if any. */
  void configure(ConfigProto.Builder config) {
    RewriterConfig.Builder rewrite = RewriterConfig.newBuilder();
    if (lowPrecisionType() == DataType.DT_HALF) {
      rewrite.setAutoMixedPrecision(RewriterConfig.Toggle.ON);
    } else if (lowPrecisionType() == DataType.DT_BFLOAT16 && !gpu) {
      rewrite.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
    }
    config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrite));
  }

  /** Whether {@link #resolve} needs the executed graphs. */
  boolean needsExecutedGraphs() {
    return lowPrecisionType() != null;
  }

  /** Whether the optimizers scale the loss dynamically, as fp16 needs (see {@link LossScale}). */
  public boolean dynamicLossScale() {
    return lowPrecisionType() == DataType.DT_HALF;
  }

  /**
   * What the graph computes its convolutions and matrix products in: bf16 itself on GPUs of compute
   * capability 8.0 or newer, where TensorFlow's bf16 rewrite, which only covers CPUs, would leave
   * them in fp32.
   */
  public Compute compute() {
    return gpu && lowPrecisionType() == DataType.DT_BFLOAT16 ? Compute.BF16 : Compute.FP32;
  }

  /**
   * Decides what ran.
   *
   * @param executed the partition graphs of a training run; only read when {@link
   *     #needsExecutedGraphs()}
   */
  Outcome resolve(Collection<GraphDef> executed) {
    Outcome o = precision(executed);
    if (gpu) {
      return o;
    }
    return new Outcome(o.ran(), (o.note().isEmpty() ? "" : o.note() + "; ") + cpuKernels());
  }

  /**
   * Which CPU kernels TensorFlow ran. bf16 needs oneDNN's, and the worker turns them off for jobs
   * on logical CPU devices (see ProcessJobLauncher), so a CPU figure is partly the kernel
   * library's: every CPU run says which it had.
   */
  private String cpuKernels() {
    if ("0".equals(onednnOpts)) {
      return "CPU kernels: Eigen, oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)";
    }
    if ("1".equals(onednnOpts)) {
      return "CPU kernels: oneDNN (TF_ENABLE_ONEDNN_OPTS=1)";
    }
    return "CPU kernels: TensorFlow's choice for this CPU (TF_ENABLE_ONEDNN_OPTS "
        + (onednnOpts == null ? "not set" : "= '" + onednnOpts + "'")
        + ")";
  }

  private Outcome precision(Collection<GraphDef> executed) {
    switch (requested) {
      case FP32:
        return new Outcome(Precision.FP32, "");
      case TF32:
        return gpu
            ? gpuFloat32("")
            : new Outcome(
                Precision.FP32,
                "tf32 needs an Ampere or newer NVIDIA GPU; this run used fp32 on the CPU");
      case MIXED_FP16:
        if (!gpu) {
          return new Outcome(
              Precision.FP32,
              "mixed-fp16 needs an NVIDIA GPU (TensorFlow only emulates float16 on a CPU, with"
                  + " fp32 arithmetic); this run used fp32 on the CPU");
        }
        return lowPrecisionConvolutions(executed, DataType.DT_HALF, gpu)
            ? new Outcome(
                Precision.MIXED_FP16,
                "loss scaling dynamic (initial 2^15, halved and the"
                    + " step skipped on non-finite gradients, doubled after 2000 finite steps); "
                    + fp32Ops())
            : gpuFloat32(
                "the auto-mixed-precision rewrite left the convolutions in fp32 (it needs"
                    + " compute capability 7.0 or newer); ");
      case BF16:
        if (gpu) {
          return gpuBf16(executed);
        }
        return lowPrecisionConvolutions(executed, DataType.DT_BFLOAT16, gpu)
            ? new Outcome(
                Precision.BF16, bf16Emulated.get().map(Precision.BF16::emulated).orElse(""))
            : new Outcome(
                Precision.FP32,
                "the oneDNN bf16 rewrite did not apply (it needs TensorFlow's oneDNN"
                    + " optimisations on, TF_ENABLE_ONEDNN_OPTS=1, and a CPU that oneDNN runs"
                    + " bf16 on); this run used fp32 on the CPU");
      default:
        throw new IllegalStateException("unhandled precision: " + requested);
    }
  }

  private Outcome gpuBf16(Collection<GraphDef> executed) {
    if (compute() != Compute.BF16) {
      return gpuFloat32(
          "bf16 on a GPU needs compute capability 8.0 or newer"
              + cudaMajor().stream()
                  .mapToObj(m -> " (this GPU's is " + m + ".x)")
                  .findFirst()
                  .orElse(" (NVML could not report this GPU's)")
              + "; ");
    }
    return lowPrecisionConvolutions(executed, DataType.DT_BFLOAT16, gpu)
        ? new Outcome(
            Precision.BF16,
            "bf16 on the GPU, cast in the graph around each convolution"
                + " and matrix product (TensorFlow's bf16 rewrite covers only CPUs); "
                + fp32Ops())
        : gpuFloat32("the bf16 graph's convolutions did not run in bf16; ");
  }

  /** What the ops left in fp32 by a low-precision GPU run computed in. */
  private String fp32Ops() {
    return "0".equals(tf32Override)
        ? "TF32 off for the ops left in fp32 (NVIDIA_TF32_OVERRIDE=0)"
        : "the ops left in fp32 may have run as tf32 (NVIDIA_TF32_OVERRIDE "
            + (tf32Override == null ? "not set" : "= '" + tf32Override + "'")
            + ")";
  }

  /**
   * The low-precision type the run should compute in, or null for none: fp16 on any GPU (the
   * rewrite skips GPUs older than compute capability 7.0 itself), bf16 on CPUs and on GPUs of
   * compute capability 8.0 or newer.
   */
  private DataType lowPrecisionType() {
    if (requested == Precision.MIXED_FP16 && gpu) {
      return DataType.DT_HALF;
    }
    if (requested == Precision.BF16 && (!gpu || bf16Gpu())) {
      return DataType.DT_BFLOAT16;
    }
    return null;
  }

  /** Read once: NVML is loaded for it. */
  private OptionalInt cudaMajor() {
    if (cudaMajorRead == null) {
      cudaMajorRead = cudaMajor.get();
    }
    return cudaMajorRead;
  }

  private boolean bf16Gpu() {
    OptionalInt major = cudaMajor();
    return major.isPresent() && major.getAsInt() >= AMPERE;
  }

  /**
   * fp32 math on a GPU runs as tf32 on Ampere or newer unless NVIDIA_TF32_OVERRIDE=0, so name
   * whichever it was.
   */
  private Outcome gpuFloat32(String why) {
    boolean wanted = requested == Precision.TF32;
    if ("0".equals(tf32Override)) {
      return new Outcome(
          Precision.FP32,
          wanted
              ? "NVIDIA_TF32_OVERRIDE=0 turned tf32 off; this run used fp32 on the GPU"
              : why + "this run used fp32 on the GPU");
    }
    OptionalInt major = cudaMajor();
    if (major.isEmpty()) {
      return new Outcome(
          Precision.FP32,
          why
              + "NVML could not report the GPU's compute capability, so tf32 is not claimed;"
              + " reported as fp32");
    }
    if (major.getAsInt() >= AMPERE) {
      return new Outcome(
          Precision.TF32, wanted ? "" : why + "this run used tf32, the GPU's fp32 default");
    }
    return new Outcome(
        Precision.FP32,
        wanted
            ? "tf32 needs an Ampere or newer NVIDIA GPU; this GPU (compute capability "
                + major.getAsInt()
                + ".x) used fp32"
            : why + "this run used fp32 on the GPU");
  }

  /**
   * Whether any executed 2D or 3D convolution (forward or backprop) ran in {@code type}, on a GPU
   * when {@code onGpu}: TensorFlow places an op that has no GPU kernel for a type on the CPU.
   */
  static boolean lowPrecisionConvolutions(
      Collection<GraphDef> executed, DataType type, boolean onGpu) {
    for (GraphDef graph : executed) {
      for (NodeDef node : graph.getNodeList()) {
        AttrValue t = node.getAttrMap().get("T");
        String op = node.getOp();
        boolean convolution = op.contains("Conv2D") || op.contains("Conv3D");
        boolean placed = !onGpu || node.getDevice().toUpperCase(Locale.ROOT).contains(":GPU:");
        if (convolution && placed && t != null && t.getType() == type) {
          return true;
        }
      }
    }
    return false;
  }
}
