package io.wattsweep.coordinator.cli;

import io.wattsweep.coordinator.catalog.SweepView;

/** One line of a sweep's progress: jobs finished, and which job is running. */
final class Progress {
  private Progress() {}

  static String line(SweepView s) {
    int total = s.jobs().size();
    int done = s.jobCounts().getOrDefault("COMPLETED", 0) + s.jobCounts().getOrDefault("FAILED", 0);
    int width = 20;
    int filled = total == 0 ? 0 : done * width / total;
    String running = s.jobs().stream().filter(j -> j.state().equals("RUNNING"))
        .map(j -> j.precision() + " b" + j.batchSize() + " x" + j.gpus())
        .reduce((a, b) -> a + ", " + b).map(r -> "  running: " + r).orElse("");
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total
        + " jobs done" + running;
  }
}
