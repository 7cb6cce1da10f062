package io.wattsweep.coordinator.dashboard;

import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.report.SweepReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A sweep's report files (the study's figure, results.csv, report.html) for the dashboard,
 * rendered by {@link SweepReport} into a cache directory and rendered again only when another of
 * the sweep's jobs has finished. Blocking (it writes files): callers run it off the event loop.
 */
public final class ReportFiles {
  private final Path cacheDir;
  /** Sweep id → the finished-jobs count its files were rendered at. */
  private final Map<String, Integer> renderedAt = new HashMap<>();

  public ReportFiles(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /**
   * The named report file of the sweep, rendering the report first if it is missing or stale;
   * empty when no job of the sweep has completed yet (there is nothing to draw) or the name is
   * not a report file.
   */
  public synchronized Optional<Path> file(SweepView sweep, String name) throws IOException {
    int completed = sweep.jobCounts().getOrDefault("COMPLETED", 0);
    if (completed == 0 || !names().contains(name)) {
      return Optional.empty();
    }
    int finished = completed + sweep.jobCounts().getOrDefault("FAILED", 0);
    Path dir = cacheDir.resolve(sweep.sweepId());
    if (!Integer.valueOf(finished).equals(renderedAt.get(sweep.sweepId()))) {
      SweepReport.write(sweep, dir);
      renderedAt.put(sweep.sweepId(), finished);
    }
    Path file = dir.resolve(name);
    return Files.exists(file) ? Optional.of(file) : Optional.empty();
  }

  /** The file names a report has; anything else is refused (no path tricks). */
  static Set<String> names() {
    var names = SweepReport.PANELS.stream().flatMap(p -> Set.of(p + ".svg", p + ".png").stream())
        .collect(Collectors.toSet());
    names.add(SweepReport.FIGURE + ".svg");
    names.add(SweepReport.FIGURE + ".png");
    names.add(SweepReport.CSV);
    names.add(SweepReport.HTML);
    return names;
  }
}
