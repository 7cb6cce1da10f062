package io.wattsweep.systemtest.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sweep of command jobs on a {@link FaultStack}, with faults injected in turn, each while a run
 * is in the middle of its measured batches; then, once nothing is left to run, the end state
 * checked. Shared by the test and the longer bench.
 */
final class FaultScenario {
  private static final Logger LOG = LoggerFactory.getLogger(FaultScenario.class);

  /** A run counts as mid-run from this many measured batches shown (of 10). */
  private static final int MID_RUN_BATCHES = 3;

  private static final Duration POLL = Duration.ofMillis(250);

  /** How long to wait for a run's next batch before a fault; a batch takes 0.35 s. */
  private static final Duration NEXT_BATCH = Duration.ofSeconds(5);

  private final FaultStack stack;
  private final long deadline;

  /**
   * @param timeout for the whole scenario; past it, the end state is checked as it is
   */
  FaultScenario(FaultStack stack, Duration timeout) {
    this.stack = stack;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /** Submits {@code jobs} jobs, injects {@code faults} one by one, and checks the end. */
  Findings run(int jobs, List<Fault> faults) throws Exception {
    var findings = new Findings();
    String sweepId = stack.api.submit(sweep(jobs));
    Set<String> hit = new HashSet<>();
    for (Fault fault : faults) {
      String victim = awaitMidRun(sweepId, hit);
      if (victim == null) {
        LOG.warn(
            "No run mid-way: every job finished, or past the deadline; {} not injected", fault);
        break;
      }
      hit.add(victim);
      // Just after a batch is shown, when a catalog that delays its writes has not yet made it
      // durable: a fault may come at any moment, and what was shown must survive it.
      Map<String, ApiReader.Run> before = stack.api.runsOnNextBatch(sweepId, NEXT_BATCH);
      String stopped = fault.stopsRun ? victim : null;
      long start = System.nanoTime();
      LOG.info(
          "Injecting {} while run {} shows {} batches",
          fault,
          victim,
          before.get(victim).batches().size());
      fault.inject(stack, sweepId, before, findings);
      findings.injected(fault);
      if (awaitProgress(sweepId, shownBatches(before, stopped), stopped)) {
        findings.recovered(fault, Duration.ofNanos(System.nanoTime() - start));
      }
    }
    awaitQuiet(sweepId);
    findings.end(stack.api.jobStates(sweepId), stack.api.runs(sweepId));
    return findings;
  }

  /** Jobs of the command workload, one per batch size. */
  private static String sweep(int jobs) {
    return "model: command:"
        + FaultStack.COMMAND
        + "\ngpuClass: [cpu]\nprecision: [fp32]\n"
        + "batchSize: "
        + IntStream.rangeClosed(1, jobs).boxed().toList()
        + "\ngpus: [1]\n"
        + "warmupBatches: 2\nmeasuredBatches: 10\n";
  }

  /**
   * A running run, not hit before, that shows a few of its batches; null once every job is
   * finished, or past the deadline.
   */
  private String awaitMidRun(String sweepId, Set<String> hit) throws Exception {
    while (System.nanoTime() < deadline && !finished(sweepId)) {
      for (String id : stack.api.runIds(sweepId, "RUNNING")) {
        int shown = hit.contains(id) ? -1 : stack.api.batchCount(id);
        if (shown >= MID_RUN_BATCHES && shown < 10) {
          return id;
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    return null;
  }

  /** Waits until the API shows more batches of runs other than {@code stopped}. */
  private boolean awaitProgress(String sweepId, int shownBefore, String stopped)
      throws InterruptedException {
    while (System.nanoTime() < deadline) {
      try {
        if (shownBatches(stack.api.runs(sweepId), stopped) > shownBefore) {
          return true;
        }
      } catch (IOException e) {
        // The coordinator is still starting, or the broker: asked again below.
      }
      Thread.sleep(POLL.toMillis());
    }
    return false;
  }

  private boolean finished(String sweepId) throws IOException, InterruptedException {
    return stack.api.jobStates(sweepId).values().stream()
        .allMatch(s -> s.equals("COMPLETED") || s.equals("FAILED"));
  }

  private static int shownBatches(Map<String, ApiReader.Run> runs, String stopped) {
    return runs.values().stream()
        .filter(r -> !r.runId().equals(stopped))
        .mapToInt(r -> r.batches().size())
        .sum();
  }

  /**
   * Waits until every job is finished, no run is running and the worker group has committed every
   * job record, so that nothing can run again; or until the deadline.
   */
  private void awaitQuiet(String sweepId) throws Exception {
    while (System.nanoTime() < deadline) {
      if (finished(sweepId)
          && stack.api.runIds(sweepId, "RUNNING").isEmpty()
          && stack.jobsTopicDrained()) {
        return;
      }
      Thread.sleep(POLL.toMillis());
    }
    LOG.warn(
        "Not quiet before the deadline; jobs {}",
        stack.api.jobStates(sweepId).entrySet().stream()
            .map(Object::toString)
            .collect(Collectors.joining(", ")));
  }
}
