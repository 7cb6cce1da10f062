package io.wattsweep.coordinator.catalog;

/**
 * A version of a model: the model a completed run trained, with its size and its provenance
 * (the sweep and who submitted it). {@code artifactUri} and {@code artifactSha256} are null until
 * runs save their trained generator.
 */
public record ModelVersion(
    String model, int version, String runId, double scale, String framework,
    Long generatorParameters, Long discriminatorParameters, Long flopsPerStep,
    String artifactUri, String artifactSha256, String sweepId, String submittedBy,
    long createdAtMs) {}
