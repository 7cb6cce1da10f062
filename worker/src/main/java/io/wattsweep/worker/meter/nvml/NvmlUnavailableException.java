package io.wattsweep.worker.meter.nvml;

import io.wattsweep.worker.meter.MeterUnavailableException;

/**
 * NVML cannot measure this job's GPUs: the library cannot be loaded, {@code nvmlInit} failed, or
 * the GPUs support neither the energy counter nor instant power. The caller falls back to a CPU
 * estimate and reports {@link #reason()} with it, so the fallback is never silent.
 */
public class NvmlUnavailableException extends MeterUnavailableException {
  private static final long serialVersionUID = 1L;

  public NvmlUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }

  public NvmlUnavailableException(String reason) {
    super(reason);
  }
}
