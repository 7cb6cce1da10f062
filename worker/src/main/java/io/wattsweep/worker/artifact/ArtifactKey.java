package io.wattsweep.worker.artifact;

import java.util.regex.Pattern;

/**
 * What an artifact is of: a run of a job of a sweep of a model. It lays artifacts out as {@code
 * MODEL/SWEEP/JOB/RUN/FILE} in every store, so that a person finds a run's artifact by what they
 * know of it.
 *
 * @param file the artifact's file name, e.g. {@code generator.zip}
 */
public record ArtifactKey(String model, String sweepId, String jobId, String runId, String file) {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");

  /** Each part becomes a path segment: no separators, no "..", nothing a shell would mangle. */
  public ArtifactKey {
    segment("model", model);
    segment("sweepId", sweepId);
    segment("jobId", jobId);
    segment("runId", runId);
    segment("file", file);
  }

  /** The key as a relative path with '/' separators. */
  public String path() {
    return String.join("/", model, sweepId, jobId, runId, file);
  }

  private static void segment(String field, String value) {
    if (value == null || !SEGMENT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field
              + " must be 1-200 of A-Z, a-z, 0-9, '.', '_' and"
              + " '-', not starting with '.' or '-', to name an artifact: "
              + (value == null ? "null" : "'" + value + "'"));
    }
  }
}
