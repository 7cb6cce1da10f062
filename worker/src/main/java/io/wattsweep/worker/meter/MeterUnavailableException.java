package io.wattsweep.worker.meter;

/**
 * A meter cannot measure on this machine (no powercap zones, an unreadable energy counter, no
 * NVML), or could not be read during a run: the caller falls back to the next meter and reports
 * {@link #reason()}, so a fallback is never silent; a run that loses its meter fails as
 * meter-unavailable.
 */
public class MeterUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MeterUnavailableException(String reason) {
    super(reason);
  }

  public MeterUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }

  /** Why the meter cannot be used, in a line fit for a log or a job's status. */
  public String reason() {
    return getMessage();
  }
}
