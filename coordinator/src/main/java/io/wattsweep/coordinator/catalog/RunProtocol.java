package io.wattsweep.coordinator.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How a run was measured, so that its figures can be judged: which idle its net subtracted, how
 * long it warmed up and whether power had settled, and how narrow its interval got. Null fields are
 * what the run did not say (an older worker, or a run that never completed).
 *
 * @param readyIdlePowerWatts the idle with the job's process, context and session ready; null where
 *     it was not measured (a command workload)
 * @param netIdleBaseline which idle net subtracted: {@code job-ready} or {@code no-job}
 * @param powerSettled false where warm-up hit its cap before power settled, or was too short to
 *     tell
 * @param ci95Share the 95% interval's half-width over the energy per batch, as reached
 */
public record RunProtocol(
    Double readyIdlePowerWatts,
    String netIdleBaseline,
    Integer warmupBatches,
    Boolean powerSettled,
    Double ci95Share) {

  /** Reads the run's columns of a row that holds {@code runs.*}. */
  static RunProtocol read(ResultSet rs) throws SQLException {
    Double ci95 = rs.getObject("energy_per_batch_ci95_j", Double.class);
    Double perBatch = rs.getObject("energy_per_batch_j", Double.class);
    return new RunProtocol(
        rs.getObject("ready_idle_power_w", Double.class),
        rs.getString("net_idle_baseline"),
        rs.getObject("warmup_batches_run", Integer.class),
        rs.getObject("power_settled", Boolean.class),
        ci95 == null || perBatch == null || perBatch == 0 ? null : ci95 / perBatch);
  }
}
