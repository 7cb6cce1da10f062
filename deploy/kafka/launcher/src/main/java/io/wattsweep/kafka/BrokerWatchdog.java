package io.wattsweep.kafka;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Runs inside the broker's JVM, in front of {@code kafka.Kafka}: exits, and so lets Kafka shut down
 * cleanly, when the JVM that started the broker is gone, even if it died by SIGKILL and its
 * shutdown hooks never ran.
 *
 * <p>{@link LocalBroker} copies this class file next to the broker's classpath, so it must use
 * nothing but the JDK.
 *
 * <p>Arguments: the parent's pid, the main class to run, then that class's arguments.
 */
final class BrokerWatchdog {
  /** The exit code when the parent is gone, as after SIGTERM. */
  static final int PARENT_GONE_EXIT_CODE = 143;

  private BrokerWatchdog() {}

  public static void main(String[] args) throws Throwable {
    long parentPid = Long.parseLong(args[0]);
    ProcessHandle.of(parentPid)
        .ifPresentOrElse(
            parent -> parent.onExit().thenRun(BrokerWatchdog::parentGone),
            BrokerWatchdog::parentGone);
    try {
      Class.forName(args[1])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void parentGone() {
    System.err.println("wattsweep: the JVM that started this broker is gone; shutting down");
    System.exit(PARENT_GONE_EXIT_CODE);
  }
}
