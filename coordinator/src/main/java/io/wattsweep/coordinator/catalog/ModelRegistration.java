package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.Artifact;
import io.wattsweep.common.spec.JobSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A completed run is a new version of its model, with where it came from and the trained generator
 * it saved; read back through {@link ModelVersions}.
 */
final class ModelRegistration {
  private final Connection c;

  ModelRegistration(Connection c) {
    this.c = c;
  }

  /** Registers the run as the next version of its job's model (null artifact: none saved). */
  void register(String runId, JobSpec job, Artifact artifact, long nowMs) throws SQLException {
    Jdbc.update(
        c,
        "MERGE INTO models t USING (VALUES (CAST(? AS VARCHAR(64)))) AS s (name)"
            + " ON t.name = s.name WHEN NOT MATCHED THEN INSERT (name, task, paper)"
            + " VALUES (s.name, ?, ?)",
        job.model(),
        ModelTaxonomy.task(job.model()),
        ModelTaxonomy.paper(job.model()));
    int version;
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions" + " WHERE model = ?",
                job.model());
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      version = rs.getInt(1);
    }
    Jdbc.update(
        c,
        "INSERT INTO model_versions (model, version, run_id, scale, framework,"
            + " generator_params, discriminator_params, flops_per_step, architecture,"
            + " artifact_uri, artifact_sha256, artifact_bytes, source_revision, sweep_id,"
            + " submitted_by, created_at_ms, metadata_json)"
            + " SELECT ?, ?, r.run_id, ?, r.framework, r.generator_params,"
            + " r.discriminator_params, r.flops_per_step, r.architecture, ?, ?, ?,"
            + " r.source_revision, s.sweep_id, s.submitted_by, ?, s.metadata_json"
            + " FROM runs r JOIN jobs j ON j.job_id = r.job_id"
            + " JOIN sweeps s ON s.sweep_id = j.sweep_id WHERE r.run_id = ?",
        job.model(),
        version,
        job.scale(),
        artifact == null ? null : artifact.uri(),
        artifact == null ? null : artifact.sha256(),
        artifact == null ? null : artifact.bytes(),
        nowMs,
        runId);
  }
}
