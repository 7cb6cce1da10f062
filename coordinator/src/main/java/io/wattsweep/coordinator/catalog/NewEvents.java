package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which events are new: the catalog is idempotent, so an event delivered twice (in one call or
 * across calls) counts once. Samples and batches are their own ledger (their keys are (run, seq)
 * and (run, index)); the few lifecycle events go through events_seen.
 */
final class NewEvents {
  private static final Logger LOG = LoggerFactory.getLogger(NewEvents.class);

  private final Connection c;
  private final EventsSeen seen;

  NewEvents(Connection c) {
    this.c = c;
    this.seen = new EventsSeen(c);
  }

  private record EventKey(String runId, long seq) {}

  /** The events, each (run, seq) once, in the order they came. */
  static List<RunEvent> unique(List<RunEvent> events) {
    Map<EventKey, RunEvent> unique = new LinkedHashMap<>();
    for (RunEvent e : events) {
      unique.putIfAbsent(new EventKey(e.runId(), e.seq()), e);
    }
    return new ArrayList<>(unique.values());
  }

  /** The events of the {@code jobs} the catalog holds; the others are logged and skipped. */
  static List<RunEvent> ofKnownJobs(List<RunEvent> events, Map<String, JobSpec> jobs) {
    List<RunEvent> known = new ArrayList<>();
    for (RunEvent e : events) {
      if (jobs.containsKey(e.jobId())) {
        known.add(e);
      } else {
        LOG.warn(
            "Event {} of run {} names job {}, which this catalog does not hold; skipped",
            e.seq(),
            e.runId(),
            e.jobId());
      }
    }
    return known;
  }

  /**
   * The events to write: the samples and batches not stored yet, then the lifecycle events,
   * recorded in events_seen as they are found new.
   *
   * @param keys the keys of the runs the catalog holds
   * @param check whether to look up which samples and batches are stored already; without it they
   *     are all new, and one stored before fails the transaction with a duplicate key
   */
  List<RunEvent> fresh(List<RunEvent> events, Map<String, Long> keys, boolean check)
      throws SQLException {
    List<RunEvent> fresh = new ArrayList<>(notStored(events, keys, check));
    fresh.addAll(seen.markSeen(events.stream().filter(NewEvents::isLifecycle).toList()));
    return fresh;
  }

  private static boolean isLifecycle(RunEvent e) {
    return !(e instanceof PowerSample) && !(e instanceof BatchMeasured);
  }

  /**
   * The samples and batches to insert: those not stored yet when {@code check}, else all; a run the
   * catalog does not hold yet has none stored. Samples that {@link SampleDecimation} leaves out are
   * not stored at all.
   */
  private List<RunEvent> notStored(List<RunEvent> events, Map<String, Long> keys, boolean check)
      throws SQLException {
    var samples = new ArrayList<RunEvent>();
    var batches = new ArrayList<RunEvent>();
    var out = new ArrayList<RunEvent>();
    // A batch's key is (run, index): two events measuring one batch would fail the insert for
    // good, so the second is dropped here (one stored before is found by the check).
    var batchesOfThisCall = new HashSet<List<Object>>();
    for (RunEvent e : events) {
      if (isLifecycle(e)) {
        continue;
      }
      if (e instanceof PowerSample && !SampleDecimation.stored(e.seq())) {
        continue;
      }
      if (e instanceof PowerSample && e.seq() > SampleKeys.MAX_SEQ) {
        LOG.warn(
            "Power sample {} of run {} is past the {} a run can store; skipped",
            e.seq(),
            e.runId(),
            SampleKeys.MAX_SEQ);
        continue;
      }
      if (e instanceof BatchMeasured b
          && !batchesOfThisCall.add(List.of(b.runId(), b.batchIndex()))) {
        LOG.warn(
            "Event {} of run {} measures batch {} again, under another seq; skipped",
            b.seq(),
            b.runId(),
            b.batchIndex());
        continue;
      }
      if (!check || !keys.containsKey(e.runId())) {
        out.add(e);
      } else {
        (e instanceof PowerSample ? samples : batches).add(e);
      }
    }
    out.addAll(absentSamples(samples, keys));
    out.addAll(absentBatches(batches, keys));
    return out;
  }

  /**
   * The samples whose rows are not stored yet: all their keys looked up in one query, so that a
   * batch spread over thousands of runs (a cluster's workers at 10 Hz each) costs one query, not
   * one a run.
   */
  private List<RunEvent> absentSamples(List<RunEvent> samples, Map<String, Long> keys)
      throws SQLException {
    if (samples.isEmpty()) {
      return samples;
    }
    var present = new HashSet<Long>();
    Object[] sampleKeys =
        samples.stream().map(e -> SampleKeys.of(keys.get(e.runId()), e.seq())).toArray();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT sample_key FROM power_samples" + " WHERE sample_key = ANY(?)",
                c.createArrayOf("BIGINT", sampleKeys));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        present.add(rs.getLong(1));
      }
    }
    return samples.stream()
        .filter(e -> !present.contains(SampleKeys.of(keys.get(e.runId()), e.seq())))
        .toList();
  }

  /**
   * The measured batches whose rows are not stored yet: one query for all their runs, over the
   * range of batch indexes they span (a run measures tens of batches, not thousands).
   */
  private List<RunEvent> absentBatches(List<RunEvent> batches, Map<String, Long> keys)
      throws SQLException {
    if (batches.isEmpty()) {
      return batches;
    }
    var present = new HashSet<List<Long>>();
    Object[] runKeys = batches.stream().map(e -> keys.get(e.runId())).distinct().toArray();
    var indexes =
        batches.stream().mapToInt(e -> ((BatchMeasured) e).batchIndex()).summaryStatistics();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT run_key, batch_index FROM batches"
                    + " WHERE run_key = ANY(?) AND batch_index BETWEEN ? AND ?",
                c.createArrayOf("BIGINT", runKeys),
                indexes.getMin(),
                indexes.getMax());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        present.add(List.of(rs.getLong(1), rs.getLong(2)));
      }
    }
    return batches.stream()
        .filter(
            e ->
                !present.contains(
                    List.of(keys.get(e.runId()), (long) ((BatchMeasured) e).batchIndex())))
        .toList();
  }
}
