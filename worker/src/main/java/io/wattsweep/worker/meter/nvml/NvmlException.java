package io.wattsweep.worker.meter.nvml;

/**
 * An NVML call failed. Carries the call, NVML's return code and NVML's own text for it ({@code
 * nvmlErrorString}), so a job's failure reason says what the driver said.
 */
public class NvmlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int returnCode;
  private final String call;
  private final String errorString;

  public NvmlException(String call, int returnCode, String errorString) {
    super(call + " failed: " + errorString + " (nvmlReturn_t " + returnCode + ")");
    this.call = call;
    this.returnCode = returnCode;
    this.errorString = errorString;
  }

  /** Another thread's failure, raised again in the caller's thread with the original as cause. */
  NvmlException(NvmlException cause) {
    super(cause.getMessage(), cause);
    this.call = cause.call;
    this.returnCode = cause.returnCode;
    this.errorString = cause.errorString;
  }

  /** The {@code nvmlReturn_t} value, such as {@link Nvml#ERROR_GPU_IS_LOST}. */
  public int returnCode() {
    return returnCode;
  }

  /** The NVML function that failed, with its argument where that helps (the device). */
  public String call() {
    return call;
  }

  /** NVML's text for the return code, such as "GPU is lost". */
  public String errorString() {
    return errorString;
  }
}
