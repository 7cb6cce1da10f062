package io.wattsweep.worker.run;

import io.wattsweep.common.event.FailureReason;
import io.wattsweep.worker.command.CommandFailedException;
import io.wattsweep.worker.meter.MeterUnavailableException;

/** Maps what went wrong in a run to the reason the catalog records. */
final class Failures {
  private Failures() {}

  static FailureReason classify(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String name = c.getClass().getName();
      String message = String.valueOf(c.getMessage());
      if (c instanceof OutOfMemoryError
          || name.contains("ResourceExhausted")
          || message.contains("OOM when allocating")
          || message.contains("out of memory")) {
        return FailureReason.OUT_OF_MEMORY;
      }
      if (c instanceof MeterUnavailableException) {
        return FailureReason.METER_UNAVAILABLE;
      }
      if (c instanceof JobRun.InvalidSpecException) {
        return FailureReason.INVALID_SPEC;
      }
      if (c instanceof CommandFailedException) {
        return FailureReason.COMMAND_FAILED;
      }
    }
    return FailureReason.INTERNAL;
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    if (t instanceof JobRun.InvalidSpecException
        || t instanceof MeterUnavailableException
        || t instanceof CommandFailedException) {
      return m;
    }
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
