package io.wattsweep.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.catalog.RunRow;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.cli.ServiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How jobs flow between worker processes through the real broker: a worker that joins mid-sweep
 * takes a queued job while the first is busy; a worker stopped with SIGTERM gives its run up, exits
 * 0, and its job runs on another worker, once; a busy worker killed with -9 has its job completed
 * once by another.
 */
class JobFlowTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private SleepingWorkers workers;

  @BeforeEach
  void workers() throws Exception {
    // 20 s a job: long enough for a second worker to start while the first is busy, also on a
    // loaded machine where a worker's JVM takes 10 s to start.
    workers = new SleepingWorkers(TestStack.get(), 20);
  }

  @AfterEach
  void stopWorkers() {
    workers.close();
  }

  @Test
  void aWorkerThatJoinsMidRunTakesTheNextJobWhileTheFirstIsBusy() throws Exception {
    String sweepId = workers.submit(2);
    workers.start("first");
    workers.await("a job running", WAIT, () -> running(sweepId) == 1);
    workers.start("second");

    workers.await("both jobs running at once", WAIT, () -> running(sweepId) == 2);
    workers.await("the sweep finished", WAIT, () -> sweep(sweepId).finished());
    List<RunRow> runs = workers.runs(sweepId);
    assertEquals(Map.of("COMPLETED", 2L), countByState(runs), "runs: " + runs);
    assertEquals(
        2,
        runs.stream().map(RunRow::workerId).distinct().count(),
        "one worker ran both jobs: " + runs);
  }

  @Test
  void aWorkerStoppedWithSigtermExitsZeroAndItsJobRunsOnceOnAnother() throws Exception {
    String sweepId = workers.submit(1);
    ServiceProcess stopped = workers.start("stopped");
    workers.await("the job running", WAIT, () -> running(sweepId) == 1);
    workers.start("spare");

    stopped.close();

    assertEquals(0, stopped.exitCode().orElse(-1), "exit status; see " + stopped.log());
    workers.await("the sweep finished", WAIT, () -> sweep(sweepId).finished());
    List<RunRow> runs = workers.runs(sweepId);
    assertEquals(Map.of("ABANDONED", 1L, "COMPLETED", 1L), countByState(runs), "runs: " + runs);
    RunRow aborted =
        runs.stream().filter(r -> r.state().equals("ABANDONED")).findFirst().orElseThrow();
    assertEquals("aborted", aborted.failureReason());
    SweepView.JobView job = sweep(sweepId).jobs().get(0);
    assertEquals("COMPLETED", job.state());
    assertEquals(1, job.attempts());
  }

  @Test
  void aBusyWorkerKilledWithSigkillHasItsJobCompletedOnceByAnother() throws Exception {
    String sweepId = workers.submit(1);
    ServiceProcess killed = workers.start("killed");
    workers.await("the job running", WAIT, () -> running(sweepId) == 1);
    workers.start("survivor");

    killed.kill();

    workers.await("the sweep finished", WAIT, () -> sweep(sweepId).finished());
    List<RunRow> runs = workers.runs(sweepId);
    assertEquals(Map.of("ABANDONED", 1L, "COMPLETED", 1L), countByState(runs), "runs: " + runs);
    RunRow completed =
        runs.stream().filter(r -> r.state().equals("COMPLETED")).findFirst().orElseThrow();
    assertEquals("flow-survivor", completed.workerId());
    assertEquals(10, completed.measuredBatches());
    SweepView.JobView job = sweep(sweepId).jobs().get(0);
    assertEquals("COMPLETED", job.state());
    assertEquals(1, job.attempts());
  }

  private long running(String sweepId) {
    return workers.runs(sweepId).stream().filter(r -> r.state().equals("RUNNING")).count();
  }

  private static SweepView sweep(String sweepId) throws Exception {
    return TestStack.get().catalog.sweep(sweepId).orElseThrow();
  }

  private static Map<String, Long> countByState(List<RunRow> runs) {
    return runs.stream().collect(Collectors.groupingBy(RunRow::state, Collectors.counting()));
  }
}
