package io.wattsweep.systemtest.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a fault scenario found: each invariant with the cases that break it (empty when it holds),
 * and how long the system took to recover from each fault.
 */
final class Findings {
  /** A fault and the time from it until the API showed a batch measured after it. */
  record Recovery(Fault fault, Duration time) {}

  private final Map<String, List<String>> broken = new LinkedHashMap<>();
  private final List<Fault> injected = new ArrayList<>();
  private final List<Recovery> recoveries = new ArrayList<>();
  private int extraCompletedRuns;
  private int jobsNotCompleted;

  Findings() {
    for (String invariant :
        List.of(
            "every job ends COMPLETED",
            "each job has exactly one COMPLETED run",
            "every COMPLETED run has all its batches",
            "no run stays RUNNING",
            "no job process outlives its worker",
            "a killed coordinator's catalog keeps what its API showed",
            "a stopped worker exits 0")) {
      broken.put(invariant, new ArrayList<>());
    }
  }

  void injected(Fault fault) {
    injected.add(fault);
  }

  void recovered(Fault fault, Duration time) {
    recoveries.add(new Recovery(fault, time));
  }

  void problem(Fault fault, String what) {
    broken.get("a stopped worker exits 0").add(fault + ": " + what);
  }

  void orphans(Fault fault, List<ProcessHandle> alive) {
    for (ProcessHandle p : alive) {
      broken
          .get("no job process outlives its worker")
          .add(
              fault
                  + ": pid "
                  + p.pid()
                  + " ("
                  + p.info().commandLine().orElse("?")
                  + ") alive "
                  + Fault.ORPHAN_GRACE
                  + " after its worker ended");
    }
  }

  /** Every run, batch and final state {@code before} showed must still be shown. */
  void compare(Fault fault, Map<String, ApiReader.Run> before, Map<String, ApiReader.Run> after) {
    List<String> lost = broken.get("a killed coordinator's catalog keeps what its API showed");
    for (ApiReader.Run was : before.values()) {
      ApiReader.Run now = after.get(was.runId());
      if (now == null) {
        lost.add(
            fault
                + ": run "
                + was.runId()
                + " ("
                + was.state()
                + ", batches "
                + was.batches()
                + ") is gone");
        continue;
      }
      var missing = new TreeSet<>(was.batches());
      missing.removeAll(now.batches());
      if (!missing.isEmpty()) {
        lost.add(fault + ": run " + was.runId() + " lost batches " + missing);
      }
      if (!was.state().equals("RUNNING") && !was.state().equals(now.state())) {
        lost.add(fault + ": run " + was.runId() + " was " + was.state() + ", now " + now.state());
      }
    }
  }

  /** Checks the end state: the sweep's jobs and all their runs. */
  void end(Map<String, String> jobStates, Map<String, ApiReader.Run> runs) {
    jobStates.forEach(
        (job, state) -> {
          if (!state.equals("COMPLETED")) {
            jobsNotCompleted++;
            broken.get("every job ends COMPLETED").add(job + " is " + state);
          }
        });
    Map<String, List<ApiReader.Run>> completed =
        runs.values().stream()
            .filter(r -> r.state().equals("COMPLETED"))
            .collect(
                Collectors.groupingBy(ApiReader.Run::jobId, TreeMap::new, Collectors.toList()));
    for (String job : jobStates.keySet()) {
      List<ApiReader.Run> done = completed.getOrDefault(job, List.of());
      if (done.size() != 1) {
        extraCompletedRuns += Math.max(0, done.size() - 1);
        broken
            .get("each job has exactly one COMPLETED run")
            .add(
                job
                    + " has "
                    + done.size()
                    + ": "
                    + done.stream().map(ApiReader.Run::runId).toList());
      }
    }
    for (ApiReader.Run r : runs.values()) {
      var wanted =
          IntStream.range(0, r.measuredBatches())
              .boxed()
              .collect(Collectors.toCollection(TreeSet::new));
      if (r.state().equals("COMPLETED")
          && (r.measuredBatches() == 0 || !r.batches().equals(wanted))) {
        broken
            .get("every COMPLETED run has all its batches")
            .add(r.runId() + " shows batches " + r.batches() + " of " + r.measuredBatches());
      }
      if (r.state().equals("RUNNING")) {
        broken
            .get("no run stays RUNNING")
            .add(r.runId() + " (job " + r.jobId() + ", batches " + r.batches() + ")");
      }
    }
  }

  /** Each invariant with the cases that break it. */
  Map<String, List<String>> broken() {
    return broken;
  }

  /** The faults injected, in order. */
  List<Fault> injected() {
    return injected;
  }

  List<Recovery> recoveries() {
    return recoveries;
  }

  /** COMPLETED runs beyond the first of each job: results counted twice. */
  int duplicates() {
    return extraCompletedRuns;
  }

  /** Jobs that did not end COMPLETED: results lost. */
  int runsLost() {
    return jobsNotCompleted;
  }

  @Override
  public String toString() {
    var out = new StringBuilder();
    broken.forEach(
        (invariant, cases) ->
            out.append(cases.isEmpty() ? "holds: " : "BROKEN: ")
                .append(invariant)
                .append(cases.isEmpty() ? "" : " " + cases)
                .append('\n'));
    recoveries.forEach(
        r ->
            out.append(
                String.format(
                    "recovered from %s in %.1f s%n", r.fault(), r.time().toMillis() / 1000.0)));
    return out.toString();
  }
}
