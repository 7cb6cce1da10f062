package io.wattsweep.coordinator.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A version of a model: the model a completed run trained, with its size, its provenance (the sweep
 * and who submitted it) and its trained generator in the artifact store: where it is, its SHA-256
 * and its size in bytes. The artifact fields are null for a run that saved no generator (from a
 * worker before artifacts).
 *
 * @param architecture the networks as the run built them: per network its parameters, then each
 *     variable's name and shape; null where wattsweep did not build the model (a command)
 * @param sourceRevision the git commit of the worker that trained it ("-dirty": built with
 *     uncommitted changes); null where unknown
 * @param metadata the free-form metadata of the sweep that produced it; empty where none
 * @param aliases the aliases that name this version, in name order
 */
public record ModelVersion(
    String model,
    int version,
    String runId,
    double scale,
    String framework,
    Long generatorParameters,
    Long discriminatorParameters,
    Long flopsPerStep,
    String architecture,
    String artifactUri,
    String artifactSha256,
    Long artifactBytes,
    String sourceRevision,
    String sweepId,
    String submittedBy,
    long createdAtMs,
    Map<String, String> metadata,
    List<String> aliases) {

  public ModelVersion {
    metadata =
        metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  ModelVersion withAliases(List<String> names) {
    return new ModelVersion(
        model,
        version,
        runId,
        scale,
        framework,
        generatorParameters,
        discriminatorParameters,
        flopsPerStep,
        architecture,
        artifactUri,
        artifactSha256,
        artifactBytes,
        sourceRevision,
        sweepId,
        submittedBy,
        createdAtMs,
        metadata,
        names);
  }
}
