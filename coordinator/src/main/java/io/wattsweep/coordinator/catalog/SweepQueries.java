package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.energy.Footprint;
import io.wattsweep.common.spec.BatchSemantics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** Read side of the catalog: sweeps with their jobs and results. */
final class SweepQueries {
  private static final String JOB_WITH_RUN =
      "SELECT j.*, r.*, r.state AS run_state FROM jobs j LEFT JOIN runs r ON r.run_id ="
          + " COALESCE(j.result_run_id, (SELECT r2.run_id FROM runs r2 WHERE r2.job_id = j.job_id"
          + " AND r2.state <> 'SUPERSEDED'"
          + " ORDER BY r2.started_at_ms DESC, r2.run_id DESC LIMIT 1))"
          + " WHERE j.sweep_id = ? ORDER BY j.ordinal";

  private final Connection c;
  private final Footprint footprint;

  SweepQueries(Connection c, Footprint footprint) {
    this.c = c;
    this.footprint = footprint;
  }

  Optional<SweepView> sweep(String sweepId) throws SQLException {
    String name;
    String model;
    long submitted;
    try (var ps = Jdbc.prepare(c, "SELECT * FROM sweeps WHERE sweep_id = ?", sweepId);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      name = rs.getString("name");
      model = rs.getString("model");
      submitted = rs.getLong("submitted_at_ms");
    }
    var jobs = new ArrayList<SweepView.JobView>();
    var counts = new LinkedHashMap<String, Integer>();
    for (JobState s : JobState.values()) {
      if (s.ofJobs()) {
        counts.put(s.name(), 0);
      }
    }
    boolean finished = true;
    try (var ps = Jdbc.prepare(c, JOB_WITH_RUN, sweepId);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        JobState state = JobState.valueOf(rs.getString("state"));
        counts.merge(state.name(), 1, Integer::sum);
        finished &= state.isFinal();
        jobs.add(
            new SweepView.JobView(
                rs.getString("job_id"),
                rs.getString("model"),
                rs.getDouble("scale"),
                rs.getString("gpu_class"),
                rs.getString("precision_name"),
                rs.getInt("batch_size"),
                BatchSemantics.parse("batch_semantics", rs.getString("batch_semantics")),
                rs.getInt("gpus"),
                state.name(),
                rs.getInt("attempts"),
                rs.getString("gave_up_message"),
                run(rs)));
      }
    }
    return Optional.of(new SweepView(sweepId, name, model, submitted, finished, counts, jobs));
  }

  List<SweepView.Summary> sweeps() throws SQLException {
    var out = new ArrayList<SweepView.Summary>();
    try (var ps =
            c.prepareStatement(
                "SELECT s.sweep_id, s.name, s.model, s.submitted_at_ms, COUNT(j.job_id) AS jobs,"
                    + " SUM(CASE WHEN j.state IN ('COMPLETED', 'FAILED') THEN 1 ELSE 0 END) AS done"
                    + " FROM sweeps s JOIN jobs j ON j.sweep_id = s.sweep_id"
                    + " GROUP BY s.sweep_id, s.name, s.model, s.submitted_at_ms"
                    + " ORDER BY s.submitted_at_ms DESC");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new SweepView.Summary(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getInt(5),
                rs.getInt(6)));
      }
    }
    return out;
  }

  private SweepView.RunView run(ResultSet rs) throws SQLException {
    String runId = rs.getString("run_id");
    if (runId == null) {
      return null;
    }
    String method = rs.getString("energy_method");
    Long ftBatches = (Long) rs.getObject("full_training_batches", Long.class);
    double ftJ = rs.getDouble("full_training_energy_j");
    SweepView.Extrapolation ft =
        ftBatches == null
            ? null
            : new SweepView.Extrapolation(
                ftBatches,
                ftJ,
                rs.getObject("full_training_ci95_j", Double.class),
                ftJ / 3.6e6,
                rs.getDouble("full_training_seconds"),
                footprint.co2eKilograms(ftJ),
                footprint.cost(ftJ),
                footprint.pricePerKwh() == null ? null : footprint.currency());
    return new SweepView.RunView(
        runId,
        rs.getString("run_state"),
        rs.getString("worker_id"),
        rs.getString("precision_ran"),
        rs.getString("precision_note"),
        method,
        method != null && EnergyMethod.parse(method).isEstimate(),
        rs.getObject("measured_batches", Integer.class),
        rs.getObject("seconds_per_batch", Double.class),
        rs.getObject("energy_per_batch_j", Double.class),
        rs.getObject("energy_per_batch_sd_j", Double.class),
        rs.getObject("energy_per_batch_ci95_j", Double.class),
        rs.getObject("net_energy_per_batch_j", Double.class),
        rs.getObject("idle_power_w", Double.class),
        ft,
        rs.getObject("generator_params", Long.class),
        rs.getObject("discriminator_params", Long.class),
        rs.getObject("flops_per_step", Long.class),
        rs.getString("failure_reason"),
        rs.getString("failure_message"),
        rs.getString("full_training_note"),
        RunProtocol.read(rs));
  }
}
