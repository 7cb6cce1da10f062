package io.wattsweep.coordinator.dashboard;

import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.report.SweepReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A sweep's report files (the study's figure, results.csv, report.html) for the dashboard, rendered
 * by {@link SweepReport} into a cache directory and rendered again only when another of the sweep's
 * jobs has finished. Blocking (it writes files): callers run it off the event loop.
 */
public final class ReportFiles {
  private final Path cacheDir;
  private final Function<String, Optional<PowerTrace>> traces;

  /** Sweep id → the finished-jobs count its files were rendered at. */
  private final Map<String, Integer> renderedAt = new HashMap<>();

  /**
   * @param traces a run's power trace by its id ({@link SweepReport#POWER_POINTS} points), for the
   *     power figure
   */
  public ReportFiles(Path cacheDir, Function<String, Optional<PowerTrace>> traces) {
    this.cacheDir = cacheDir;
    this.traces = traces;
  }

  /**
   * The named report file of the sweep, rendering the report first if it is missing or stale; empty
   * when no job of the sweep has completed yet (there is nothing to draw) or the name is not a
   * report file.
   */
  public synchronized Optional<Path> file(SweepView sweep, String name) throws IOException {
    int completed = sweep.jobCounts().getOrDefault("COMPLETED", 0);
    if (completed == 0 || !names().contains(name)) {
      return Optional.empty();
    }
    int finished = completed + sweep.jobCounts().getOrDefault("FAILED", 0);
    Path dir = cacheDir.resolve(sweep.sweepId());
    if (!Integer.valueOf(finished).equals(renderedAt.get(sweep.sweepId()))) {
      var byRun = new HashMap<String, PowerTrace>();
      for (String runId : SweepReport.powerRunIds(sweep)) {
        traces.apply(runId).ifPresent(t -> byRun.put(runId, t));
      }
      SweepReport.write(sweep, byRun, dir);
      renderedAt.put(sweep.sweepId(), finished);
    }
    Path file = dir.resolve(name);
    return Files.exists(file) ? Optional.of(file) : Optional.empty();
  }

  /** The file names a report has; anything else is refused (no path tricks). */
  static Set<String> names() {
    var names =
        SweepReport.PANELS.stream()
            .flatMap(p -> Set.of(p + ".svg", p + ".png").stream())
            .collect(Collectors.toSet());
    names.add(SweepReport.FIGURE + ".svg");
    names.add(SweepReport.FIGURE + ".png");
    names.add(SweepReport.POWER + ".svg");
    names.add(SweepReport.POWER + ".png");
    names.add(SweepReport.CSV);
    names.add(SweepReport.HTML);
    return names;
  }
}
