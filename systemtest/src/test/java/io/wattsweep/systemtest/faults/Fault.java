package io.wattsweep.systemtest.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One fault a {@link FaultStack} survives, injected while a run is in the middle of its batches,
 * with what it must not break on the way: no job process outlives its worker, and a coordinator
 * killed and started again still shows every run, batch and final state it showed before.
 */
enum Fault {
  /** SIGKILL to the worker, then a new worker. */
  WORKER_KILL(true) {
    @Override
    void inject(
        FaultStack stack, String sweepId, Map<String, ApiReader.Run> shown, Findings findings)
        throws Exception {
      List<ProcessHandle> jobs = stack.workerDescendants();
      stack.killWorker();
      findings.orphans(this, survivors(jobs));
      stack.startWorker();
    }
  },
  /** SIGTERM to the worker, which gives its run up and hands the job back; then a new worker. */
  WORKER_TERM(true) {
    @Override
    void inject(
        FaultStack stack, String sweepId, Map<String, ApiReader.Run> shown, Findings findings)
        throws Exception {
      List<ProcessHandle> jobs = stack.workerDescendants();
      int status = stack.stopWorker();
      if (status != 0) {
        findings.problem(this, "the worker exited with " + status + " on SIGTERM, not 0");
      }
      findings.orphans(this, survivors(jobs));
      stack.startWorker();
    }
  },
  /** SIGKILL to the coordinator, then a new one on the same catalog. */
  COORDINATOR_KILL(false) {
    @Override
    void inject(
        FaultStack stack, String sweepId, Map<String, ApiReader.Run> shown, Findings findings)
        throws Exception {
      stack.killCoordinator();
      stack.startCoordinator();
      findings.compare(this, shown, stack.api.runs(sweepId));
    }
  },
  /** SIGKILL to the broker, then a new one on the same log folder and port. */
  BROKER_KILL(false) {
    @Override
    void inject(
        FaultStack stack, String sweepId, Map<String, ApiReader.Run> shown, Findings findings)
        throws Exception {
      stack.killAndRestartBroker();
    }
  };

  /** How long a job process may outlive its worker (ParentWatch looks every 200 ms). */
  static final Duration ORPHAN_GRACE = Duration.ofSeconds(3);

  /** Whether the fault ends the run it hits (its job must run again). */
  final boolean stopsRun;

  Fault(boolean stopsRun) {
    this.stopsRun = stopsRun;
  }

  abstract void inject(
      FaultStack stack, String sweepId, Map<String, ApiReader.Run> shown, Findings findings)
      throws Exception;

  /** The processes of {@code jobs} still alive after {@link #ORPHAN_GRACE}. */
  private static List<ProcessHandle> survivors(List<ProcessHandle> jobs)
      throws InterruptedException {
    long deadline = System.nanoTime() + ORPHAN_GRACE.toNanos();
    while (jobs.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return jobs.stream().filter(ProcessHandle::isAlive).toList();
  }
}
