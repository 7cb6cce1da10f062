package io.wattsweep.worker.train.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.OptionalInt;

/**
 * The lowest CUDA compute capability (major version) among the host's NVIDIA GPUs, read through
 * NVML: TensorFlow does not say whether its fp32 math ran as tf32, which needs 8 (Ampere) or newer.
 */
final class CudaCapability {

  private static final int NVML_SUCCESS = 0;

  /** The few NVML entry points needed here. */
  interface Nvml extends Library {
    int nvmlInit_v2();

    int nvmlShutdown();

    int nvmlDeviceGetCount_v2(IntByReference count);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetCudaComputeCapability(
        Pointer device, IntByReference major, IntByReference minor);
  }

  private CudaCapability() {}

  /** Empty when NVML is missing or fails: the caller then claims nothing about tf32. */
  static OptionalInt lowestMajor() {
    Nvml nvml;
    try {
      nvml = Native.load("nvidia-ml", Nvml.class);
    } catch (UnsatisfiedLinkError noLibrary) {
      try {
        nvml = Native.load("libnvidia-ml.so.1", Nvml.class);
      } catch (UnsatisfiedLinkError stillNone) {
        return OptionalInt.empty();
      }
    }
    if (nvml.nvmlInit_v2() != NVML_SUCCESS) {
      return OptionalInt.empty();
    }
    try {
      IntByReference count = new IntByReference();
      if (nvml.nvmlDeviceGetCount_v2(count) != NVML_SUCCESS || count.getValue() == 0) {
        return OptionalInt.empty();
      }
      int lowest = Integer.MAX_VALUE;
      for (int i = 0; i < count.getValue(); i++) {
        PointerByReference device = new PointerByReference();
        IntByReference major = new IntByReference();
        IntByReference minor = new IntByReference();
        if (nvml.nvmlDeviceGetHandleByIndex_v2(i, device) != NVML_SUCCESS
            || nvml.nvmlDeviceGetCudaComputeCapability(device.getValue(), major, minor)
                != NVML_SUCCESS) {
          return OptionalInt.empty();
        }
        lowest = Math.min(lowest, major.getValue());
      }
      return OptionalInt.of(lowest);
    } finally {
      nvml.nvmlShutdown();
    }
  }
}
