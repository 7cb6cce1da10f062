package io.wattsweep.coordinator.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.energy.Footprint;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.BatchSemantics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read side of the catalog for runs: filtered lists, one run and its batches, the best, the Pareto
 * front.
 */
final class RunQueries {
  private static final String SELECT =
      "SELECT r.*, j.sweep_id, j.model, j.scale, j.gpu_class, j.precision_name, j.batch_size,"
          + " j.batch_semantics, j.gpus, s.metadata_json AS sweep_metadata FROM runs r"
          + " JOIN jobs j ON j.job_id = r.job_id JOIN sweeps s ON s.sweep_id = j.sweep_id";

  private final Connection c;
  private final Footprint footprint;

  RunQueries(Connection c, Footprint footprint) {
    this.c = c;
    this.footprint = footprint;
  }

  List<RunRow> runs(RunFilter f) throws SQLException {
    var where = new ArrayList<String>();
    var args = new ArrayList<Object>();
    add(where, args, "j.sweep_id", f.sweepId());
    add(where, args, "j.model", f.model());
    add(where, args, "j.gpu_class", f.gpuClass());
    add(where, args, "j.precision_name", f.precision());
    add(where, args, "j.batch_size", f.batchSize());
    add(where, args, "j.gpus", f.gpus());
    add(where, args, "r.state", f.state());
    if (f.state() == null) {
      // A superseded run is a duplicate of its job's result: listed only when asked for by state.
      where.add("r.state <> ?");
      args.add(JobState.SUPERSEDED.name());
    }
    String sql =
        SELECT
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY r.started_at_ms, r.run_id";
    try (var ps = Jdbc.prepare(c, sql, args.toArray());
        ResultSet rs = ps.executeQuery()) {
      var out = new ArrayList<RunRow>();
      while (rs.next()) {
        if (f.metadata().isEmpty() || carries(rs.getString("sweep_metadata"), f.metadata())) {
          out.add(row(rs));
        }
      }
      return out;
    }
  }

  /** Whether a sweep's metadata (a JSON object, or null: none) holds every wanted pair. */
  private static boolean carries(String json, Map<String, String> wanted) throws SQLException {
    if (json == null) {
      return false;
    }
    try {
      Map<String, String> metadata =
          Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
      return metadata.entrySet().containsAll(wanted.entrySet());
    } catch (JsonProcessingException e) {
      throw new SQLException("a sweep's metadata is not a JSON object: " + json, e);
    }
  }

  Optional<RunRow> run(String runId) throws SQLException {
    try (var ps = Jdbc.prepare(c, SELECT + " WHERE r.run_id = ?", runId);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row(rs)) : Optional.empty();
    }
  }

  /** The measured batches of a run, in order. */
  List<BatchView> batches(String runId) throws SQLException {
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT b.batch_index, b.duration_ns, b.energy_j,"
                    + " b.resolution_j FROM batches b JOIN runs r ON r.run_key = b.run_key"
                    + " WHERE r.run_id = ? ORDER BY b.batch_index",
                runId);
        ResultSet rs = ps.executeQuery()) {
      var out = new ArrayList<BatchView>();
      while (rs.next()) {
        out.add(new BatchView(rs.getInt(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4)));
      }
      return out;
    }
  }

  /** Completed runs with an extrapolation, of the selection. */
  private List<RunRow> measured(RunFilter f) throws SQLException {
    return runs(f.withState(JobState.COMPLETED.name())).stream()
        .filter(r -> r.fullTrainingEnergyJoules() != null && r.fullTrainingHours() != null)
        .toList();
  }

  Optional<RunRow> best(RunFilter f, boolean byEnergy) throws SQLException {
    Comparator<RunRow> order =
        byEnergy
            ? Comparator.comparing(RunRow::fullTrainingEnergyJoules)
            : Comparator.comparing(RunRow::fullTrainingHours);
    return measured(f).stream().min(order.thenComparing(RunRow::runId));
  }

  /** Runs that no other run beats on both full-training energy and time, by ascending energy. */
  List<RunRow> pareto(RunFilter f) throws SQLException {
    List<RunRow> all = new ArrayList<>(measured(f));
    all.sort(
        Comparator.comparing(RunRow::fullTrainingEnergyJoules)
            .thenComparing(RunRow::fullTrainingHours)
            .thenComparing(RunRow::runId));
    var front = new ArrayList<RunRow>();
    double fastest = Double.POSITIVE_INFINITY;
    for (RunRow r : all) {
      if (r.fullTrainingHours() < fastest) {
        front.add(r);
        fastest = r.fullTrainingHours();
      }
    }
    return front;
  }

  private RunRow row(ResultSet rs) throws SQLException {
    String method = rs.getString("energy_method");
    Double ftJ = rs.getObject("full_training_energy_j", Double.class);
    Double ftS = rs.getObject("full_training_seconds", Double.class);
    return new RunRow(
        rs.getString("run_id"),
        rs.getString("job_id"),
        rs.getString("sweep_id"),
        rs.getString("model"),
        rs.getDouble("scale"),
        rs.getString("gpu_class"),
        rs.getString("precision_name"),
        rs.getString("precision_ran"),
        rs.getInt("batch_size"),
        BatchSemantics.parse("batch_semantics", rs.getString("batch_semantics")),
        rs.getInt("gpus"),
        rs.getString("state"),
        rs.getString("worker_id"),
        rs.getObject("started_at_ms", Long.class),
        method,
        method != null && EnergyMethod.parse(method).isEstimate(),
        rs.getObject("measured_batches", Integer.class),
        rs.getObject("seconds_per_batch", Double.class),
        rs.getObject("energy_per_batch_j", Double.class),
        rs.getObject("energy_per_batch_ci95_j", Double.class),
        rs.getObject("net_energy_per_batch_j", Double.class),
        rs.getObject("idle_power_w", Double.class),
        rs.getObject("full_training_batches", Long.class),
        ftJ,
        rs.getObject("full_training_ci95_j", Double.class),
        ftJ == null ? null : ftJ / 3.6e6,
        ftS == null ? null : ftS / 3600,
        ftJ == null ? null : footprint.co2eKilograms(ftJ),
        ftJ == null ? null : footprint.cost(ftJ),
        footprint.pricePerKwh() == null ? null : footprint.currency(),
        rs.getString("failure_reason"),
        rs.getString("failure_message"),
        rs.getString("precision_note"),
        rs.getString("full_training_note"),
        RunProtocol.read(rs));
  }

  private static void add(List<String> where, List<Object> args, String column, Object value) {
    if (value != null) {
      where.add(column + " = ?");
      args.add(value);
    }
  }
}
