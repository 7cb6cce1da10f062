package io.wattsweep.coordinator.cli;

import io.wattsweep.coordinator.catalog.ModelVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A model's versions as the CLI prints them. */
final class VersionTable {
  private VersionTable() {}

  /** A model's versions, newest first, each with the run it came from and its artifact. */
  static String format(List<ModelVersion> versions) {
    var lines = new ArrayList<String[]>();
    lines.add(
        new String[] {
          "version",
          "aliases",
          "run",
          "scale",
          "sweep",
          "submitted by",
          "source",
          "artifact",
          "sha256",
          "size"
        });
    for (ModelVersion v : versions) {
      lines.add(
          new String[] {
            Integer.toString(v.version()),
            String.join(", ", v.aliases()),
            v.runId(),
            String.valueOf(v.scale()),
            v.sweepId() == null ? "" : v.sweepId(),
            v.submittedBy() == null ? "" : v.submittedBy(),
            shortRevision(v.sourceRevision()),
            v.artifactUri() == null ? "(none saved)" : v.artifactUri(),
            v.artifactSha256() == null ? "" : v.artifactSha256().substring(0, 12) + "...",
            v.artifactBytes() == null ? "" : size(v.artifactBytes())
          });
    }
    var out = new StringBuilder(ResultTable.format(lines));
    if (versions.isEmpty()) {
      out.append("(no versions: no run of this model has completed)\n");
    } else if (versions.stream()
        .anyMatch(v -> v.artifactSha256() != null || v.sourceRevision() != null)) {
      out.append(
          "source (the worker's git commit) and sha256 are shortened here; --format json"
              + " gives them whole, and each version's architecture.\n");
    }
    return out.toString();
  }

  /** A commit's first 12 hex digits, and "-dirty" where the build had uncommitted changes. */
  private static String shortRevision(String revision) {
    if (revision == null) {
      return "";
    }
    boolean dirty = revision.endsWith("-dirty");
    String id = dirty ? revision.substring(0, revision.length() - "-dirty".length()) : revision;
    return id.substring(0, Math.min(12, id.length())) + (dirty ? "-dirty" : "");
  }

  private static String size(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
