package io.wattsweep.worker.command;

/**
 * A command workload exited with an error, or before it marked every step the job needs; the
 * message says which, and ends with the command's last lines of standard error.
 */
public final class CommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailedException(String message) {
    super(message);
  }
}
