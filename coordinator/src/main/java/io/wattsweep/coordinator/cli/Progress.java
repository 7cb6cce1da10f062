package io.wattsweep.coordinator.cli;

import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.dashboard.LiveStatus;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One line of a sweep's progress: a bar of jobs finished, and for each running job its
 * configuration, the measured batches done and its live power (from the coordinator's memory of the
 * latest power sample; an estimate says so).
 */
final class Progress {
  private static final int WIDTH = 20;

  private Progress() {}

  static String line(SweepView s, Optional<LiveStatus> live) {
    return render(s, live, true);
  }

  /**
   * The line without its power figures: what must change for a log (not a terminal) to get a new
   * line, so a log does not fill up with every watt.
   */
  static String key(SweepView s, Optional<LiveStatus> live) {
    return render(s, live, false);
  }

  private static String render(SweepView s, Optional<LiveStatus> live, boolean withPower) {
    int total = s.jobs().size();
    int done = s.jobCounts().getOrDefault("COMPLETED", 0) + s.jobCounts().getOrDefault("FAILED", 0);
    int failed = s.jobCounts().getOrDefault("FAILED", 0);
    int filled = total == 0 ? 0 : done * WIDTH / total;
    Map<String, LiveStatus.JobLive> byJob =
        live.map(
                l ->
                    l.jobs().stream()
                        .collect(
                            Collectors.toMap(
                                LiveStatus.JobLive::jobId, Function.identity(), (a, b) -> b)))
            .orElse(Map.of());
    String running =
        s.jobs().stream()
            .filter(j -> j.state().equals("RUNNING"))
            .map(
                j ->
                    j.precision()
                        + " "
                        + j.batchSemantics().compact(j.batchSize())
                        + " x"
                        + j.gpus()
                        + liveFigures(byJob.get(j.jobId()), withPower))
            .reduce((a, b) -> a + "; " + b)
            .map(r -> "  running: " + r)
            .orElse("");
    return "["
        + "#".repeat(filled)
        + ".".repeat(WIDTH - filled)
        + "] "
        + done
        + "/"
        + total
        + " jobs done"
        + (failed > 0 ? " (" + failed + " failed)" : "")
        + running;
  }

  private static String liveFigures(LiveStatus.JobLive j, boolean withPower) {
    if (j == null) {
      return "";
    }
    String batches = j.batchesDone() > 0 ? ", batch " + j.batchesDone() : ", warming up";
    if (!withPower || j.powerWatts() == null) {
      return batches;
    }
    return batches
        + String.format(Locale.ROOT, ", %.1f W", j.powerWatts())
        + (j.estimate() ? " (estimate)" : "");
  }
}
