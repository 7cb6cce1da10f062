package io.wattsweep.worker.train.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether this CPU computes bf16 in hardware (AVX-512 BF16 or AMX tiles): without them TensorFlow
 * emulates bf16, converting to fp32 and back, which is slower than fp32 itself.
 */
final class CpuBf16 {

  /** oneDNN's ISA caps that keep it from the bf16 instructions even where the CPU has them. */
  private static final Set<String> CAPS_WITHOUT_BF16 =
      Set.of("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI");

  private CpuBf16() {}

  /** Why bf16 is emulated on this host, or empty where the CPU computes it natively. */
  static Optional<String> emulated() {
    String flags;
    try {
      flags = Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException e) {
      return Optional.of("the CPU's flags could not be read (" + e.getMessage() + ")");
    }
    return emulated(flags, System.getenv("ONEDNN_MAX_CPU_ISA"));
  }

  /**
   * @param cpuinfo the text of /proc/cpuinfo
   * @param maxIsa the value of ONEDNN_MAX_CPU_ISA, or null
   */
  static Optional<String> emulated(String cpuinfo, String maxIsa) {
    String flags = " " + cpuinfo.replaceAll("\\s+", " ") + " ";
    if (!flags.contains(" avx512_bf16 ") && !flags.contains(" amx_bf16 ")) {
      return Optional.of(
          "this CPU has no bf16 instructions (neither avx512_bf16 nor amx_bf16),"
              + " so bf16 is converted to and from fp32");
    }
    if (maxIsa != null && CAPS_WITHOUT_BF16.contains(maxIsa.trim().toUpperCase(Locale.ROOT))) {
      return Optional.of(
          "ONEDNN_MAX_CPU_ISA=" + maxIsa + " keeps oneDNN from this CPU's bf16" + " instructions");
    }
    return Optional.empty();
  }
}
