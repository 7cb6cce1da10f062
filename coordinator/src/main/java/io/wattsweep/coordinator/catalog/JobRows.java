package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.StoppingRules;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs' rows as {@link JobSpec}s, read from a result set or looked up by id through a cache: a
 * job's fields never change after submission, only its state.
 */
final class JobRows {
  private final Connection c;
  private final Map<String, JobSpec> cache = new Lru<>(20_000);

  JobRows(Connection c) {
    this.c = c;
  }

  /** The jobs of these ids that the catalog holds, from the cache or in one query. */
  Map<String, JobSpec> find(Collection<String> ids) throws SQLException {
    Map<String, JobSpec> out = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      JobSpec j = cache.get(id);
      if (j != null) {
        out.put(id, j);
      } else if (!out.containsKey(id) && !missing.contains(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      try (var ps =
              Jdbc.prepare(
                  c,
                  "SELECT * FROM jobs WHERE job_id = ANY(?)",
                  c.createArrayOf("VARCHAR", missing.toArray()));
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JobSpec j = read(rs);
          cache.put(j.jobId(), j);
          out.put(j.jobId(), j);
        }
      }
    }
    return out;
  }

  /** The job of the result set's current row of {@code jobs}. */
  static JobSpec read(ResultSet rs) throws SQLException {
    return new JobSpec(
        rs.getString("job_id"),
        rs.getString("sweep_id"),
        rs.getString("model"),
        rs.getDouble("scale"),
        rs.getString("gpu_class"),
        Precision.parse("precision", rs.getString("precision_name")),
        rs.getInt("batch_size"),
        rs.getInt("gpus"),
        rs.getInt("warmup_batches"),
        rs.getInt("measured_batches"),
        rs.getObject("dataset_size") == null
            ? null
            : new FullTraining(rs.getLong("dataset_size"), rs.getInt("epochs")),
        new StoppingRules(
            rs.getInt("max_warmup_batches"),
            rs.getInt("max_measured_batches"),
            rs.getDouble("target_ci_share")),
        rs.getString("dataset"),
        BatchSemantics.parse("batch_semantics", rs.getString("batch_semantics")));
  }
}
