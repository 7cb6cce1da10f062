package io.wattsweep.coordinator.api;

import io.vertx.core.MultiMap;
import io.wattsweep.common.spec.Checks;
import io.wattsweep.common.spec.ModelName;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.coordinator.catalog.JobState;
import io.wattsweep.coordinator.catalog.RunFilter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads a run selection from query parameters; a bad one is an error naming it. */
final class RunFilters {
  /** The prefix of a metadata filter's parameter. */
  static final String METADATA = "metadata.";

  static final List<String> FILTERS =
      List.of("sweep", "model", "gpuClass", "precision", "batchSize", "gpus", "state");

  private RunFilters() {}

  /**
   * @param extra parameters the route takes besides the filters (e.g. "format")
   */
  static RunFilter parse(MultiMap params, Set<String> extra) {
    for (String name : params.names()) {
      if (!FILTERS.contains(name) && !extra.contains(name) && !name.startsWith(METADATA)) {
        var known = new TreeSet<>(FILTERS);
        known.addAll(extra);
        throw new IllegalArgumentException(
            "unknown filter '" + name + "'; known: " + known + " and metadata.KEY");
      }
    }
    String model = params.get("model");
    if (model != null) {
      ModelName.check("model", model);
    }
    String precision = params.get("precision");
    if (precision != null) {
      Precision.parse("precision", precision);
    }
    String state = params.get("state");
    if (state != null && Arrays.stream(JobState.values()).noneMatch(s -> s.name().equals(state))) {
      throw new IllegalArgumentException(
          "state must be one of "
              + Arrays.toString(JobState.values())
              + ": "
              + Checks.quote(state));
    }
    return new RunFilter(
        params.get("sweep"),
        model,
        params.get("gpuClass"),
        precision,
        positive(params, "batchSize"),
        positive(params, "gpus"),
        state,
        metadata(params));
  }

  /**
   * The {@code metadata.KEY=VALUE} parameters: pairs the sweep's metadata must hold. Each key once;
   * other parameters are left to the caller.
   */
  static Map<String, String> metadata(MultiMap params) {
    var wanted = new LinkedHashMap<String, String>();
    for (String name : params.names()) {
      if (!name.startsWith(METADATA)) {
        continue;
      }
      if (name.length() == METADATA.length()) {
        throw new IllegalArgumentException(
            "unknown parameter '" + name + "'; metadata filters are metadata.KEY=VALUE");
      }
      List<String> values = params.getAll(name);
      if (values.size() != 1) {
        throw new IllegalArgumentException(
            name + " is given " + values.size() + " times: " + values);
      }
      wanted.put(name.substring(METADATA.length()), values.get(0));
    }
    return wanted;
  }

  private static Integer positive(MultiMap params, String name) {
    String v = params.get(name);
    if (v == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be an integer >= 1: " + Checks.quote(v));
  }
}
