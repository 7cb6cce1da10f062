package io.wattsweep.worker.process;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a job's process, and what it started, as soon as its worker is gone. A worker killed with
 * SIGKILL runs no shutdown hook, so its job would otherwise train on unseen, save an artifact that
 * nothing records, and hold the GPU. The parent is gone when this process's parent id is no longer
 * the worker's (the kernel hands an orphan to init or a subreaper), which no reuse of the old pid
 * can hide. The worker names itself in {@value #PARENT_PID}, so that a worker that dies while its
 * job's JVM starts is noticed too.
 */
public final class ParentWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ParentWatch.class);
  static final Duration INTERVAL = Duration.ofMillis(200);

  /** The environment variable in which a worker gives its job's process the worker's pid. */
  public static final String PARENT_PID = "WATTSWEEP_PARENT_PID";

  private ParentWatch() {}

  /** Watches this process's parent on a daemon thread; halts the process when it goes. */
  public static void start() {
    String named = System.getenv(PARENT_PID);
    OptionalLong expected = named == null ? parentPid() : OptionalLong.of(Long.parseLong(named));
    start(
        expected,
        ParentWatch::parentPid,
        INTERVAL,
        () -> {
          LOG.error("The worker that started this job is gone; stopping the job without a word");
          ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
          Runtime.getRuntime().halt(3);
        });
  }

  /**
   * @param expected the worker's pid
   * @param parent the current parent's pid, empty when there is none
   * @param orphaned runs once, on the watching thread, when the parent is not the expected one
   */
  static Thread start(
      OptionalLong expected, Supplier<OptionalLong> parent, Duration interval, Runnable orphaned) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (parent.get().equals(expected)) {
                  Thread.sleep(interval.toMillis());
                }
                orphaned.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static OptionalLong parentPid() {
    return ProcessHandle.current()
        .parent()
        .map(p -> OptionalLong.of(p.pid()))
        .orElse(OptionalLong.empty());
  }
}
