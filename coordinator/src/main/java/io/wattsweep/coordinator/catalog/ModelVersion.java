package io.wattsweep.coordinator.catalog;

/**
 * A version of a model: the model a completed run trained, with its size, its provenance (the
 * sweep and who submitted it) and its trained generator in the artifact store: where it is, its
 * SHA-256 and its size in bytes. The artifact fields are null for a run that saved no generator
 * (from a worker before artifacts).
 *
 * @param architecture the networks as the run built them: per network its parameters, then each
 *     variable's name and shape; null where wattsweep did not build the model (a command)
 * @param sourceRevision the git commit of the worker that trained it ("-dirty": built with
 *     uncommitted changes); null where unknown
 */
public record ModelVersion(
    String model, int version, String runId, double scale, String framework,
    Long generatorParameters, Long discriminatorParameters, Long flopsPerStep,
    String architecture, String artifactUri, String artifactSha256, Long artifactBytes,
    String sourceRevision, String sweepId, String submittedBy, long createdAtMs) {}
