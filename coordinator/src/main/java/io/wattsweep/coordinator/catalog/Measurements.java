package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes power samples and measured batches, the frequent events, as JDBC batches: the samples that
 * {@link SampleDecimation} leaves out are folded into the stored sample of their window.
 */
final class Measurements {
  private final Connection c;

  /** The left-out samples of each run's current decimation window. */
  private final SampleFolds folds = new SampleFolds();

  Measurements(Connection c) {
    this.c = c;
  }

  /** Starts a transaction's changes to the folds. */
  void begin() {
    folds.begin();
  }

  /** After a commit: the samples folded in it stay in their windows. */
  void committed() {
    folds.committed();
  }

  /** After a rollback: the samples folded in it are out of their windows again. */
  void forgetUncommitted() {
    folds.rollback();
  }

  /**
   * Folds the samples that decimation leaves out into their windows, in the order the events came;
   * returns what each stored sample that closes a window stands for.
   */
  Map<RunEvent, SampleFolds.Summary> fold(List<RunEvent> events) {
    Map<RunEvent, SampleFolds.Summary> out = new IdentityHashMap<>();
    for (RunEvent e : events) {
      if (e instanceof PowerSample p
          && p.seq() >= SampleDecimation.FULL_RATE_EVENTS
          && p.seq() <= SampleKeys.MAX_SEQ) {
        if (!SampleDecimation.stored(p.seq())) {
          folds.fold(p);
        } else {
          SampleFolds.Summary summary = folds.close(p);
          if (summary != null) {
            out.put(p, summary);
          }
        }
      }
    }
    return out;
  }

  /**
   * Inserts the samples and batches among {@code events}, under their runs' {@code keys}, each
   * sample with what {@code summaries} says it stands for.
   */
  void insert(
      List<RunEvent> events, Map<String, Long> keys, Map<RunEvent, SampleFolds.Summary> summaries)
      throws SQLException {
    try (PreparedStatement samples =
            c.prepareStatement(
                "INSERT INTO power_samples (sample_key,"
                    + " run_key, seq, at_ms, power_w, method, folded, min_w, max_w, mean_w)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement batches =
            c.prepareStatement(
                "INSERT INTO batches (run_key,"
                    + " batch_index, at_ms, duration_ns, energy_j, resolution_j, d_loss, g_loss)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (RunEvent e : events) {
        if (e instanceof PowerSample p) {
          long runKey = keys.get(p.runId());
          samples.setLong(1, SampleKeys.of(runKey, p.seq()));
          samples.setLong(2, runKey);
          samples.setLong(3, p.seq());
          samples.setLong(4, p.atMs());
          samples.setDouble(5, p.powerWatts());
          samples.setString(6, p.method().wireName());
          SampleFolds.Summary f = summaries.get(p);
          if (f == null) {
            samples.setNull(7, Types.INTEGER);
            samples.setNull(8, Types.DOUBLE);
            samples.setNull(9, Types.DOUBLE);
            samples.setNull(10, Types.DOUBLE);
          } else {
            samples.setInt(7, f.samples());
            samples.setDouble(8, f.minWatts());
            samples.setDouble(9, f.maxWatts());
            samples.setDouble(10, f.meanWatts());
          }
          samples.addBatch();
        } else if (e instanceof BatchMeasured b) {
          batches.setLong(1, keys.get(b.runId()));
          batches.setInt(2, b.batchIndex());
          batches.setLong(3, b.atMs());
          batches.setLong(4, b.durationNanos());
          batches.setDouble(5, b.energyJoules());
          batches.setDouble(6, b.energyResolutionJoules());
          batches.setObject(7, Jdbc.finiteOrNull(b.discriminatorLoss()));
          batches.setObject(8, Jdbc.finiteOrNull(b.generatorLoss()));
          batches.addBatch();
        }
      }
      samples.executeBatch();
      batches.executeBatch();
    }
  }
}
