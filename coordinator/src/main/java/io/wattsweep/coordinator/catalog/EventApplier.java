package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of run events into the catalog, idempotently, inside the caller's transaction:
 * finds which are new ({@link NewEvents}), stores their runs ({@link RunKeys}), their samples and
 * batches ({@link Measurements}), then their lifecycle ({@link RunLifecycle}), so that a run's
 * completion sees all of its batches, and when the catalog heard from them ({@link RunActivity}).
 */
final class EventApplier {
  private final JobRows jobs;
  private final NewEvents newEvents;
  private final RunKeys runKeys;
  private final Measurements measurements;
  private final RunLifecycle lifecycle;
  private final RunActivity activity;

  EventApplier(Connection c, JobReturns returns) {
    var progress = new JobProgress(c);
    this.jobs = new JobRows(c);
    this.newEvents = new NewEvents(c);
    this.runKeys = new RunKeys(c);
    this.measurements = new Measurements(c);
    this.lifecycle = new RunLifecycle(c, progress, returns);
    this.activity = new RunActivity(c, progress);
  }

  /** After a commit: what was folded in it stays, whatever later transactions do. */
  void committed() {
    measurements.committed();
  }

  /** After a rollback: runs inserted in it, and what was folded or written in it, are gone. */
  void forgetUncommitted() {
    runKeys.forgetUncommitted();
    activity.forgetUncommitted();
    measurements.forgetUncommitted();
  }

  /**
   * Returns how many events were new; the rest (seen before, or of unknown jobs) change nothing.
   *
   * @param checkStored whether to look up which samples and batches are stored already; without it
   *     they are inserted as they are, and one stored before fails the transaction with a duplicate
   *     key (the caller then applies the events again with the check)
   */
  int applyAll(List<RunEvent> events, long nowMs, boolean checkStored) throws SQLException {
    measurements.begin();
    List<RunEvent> unique = NewEvents.unique(events);
    Map<String, JobSpec> found = jobs.find(unique.stream().map(RunEvent::jobId).toList());
    List<RunEvent> known = NewEvents.ofKnownJobs(unique, found);
    Map<RunEvent, SampleFolds.Summary> summaries = measurements.fold(known);
    Map<String, Long> keys = runKeys.stored(known);
    List<RunEvent> fresh = newEvents.fresh(known, keys, checkStored);
    runKeys.addRuns(fresh, keys);
    measurements.insert(fresh, keys, summaries);
    lifecycle.apply(fresh, found, nowMs);
    activity.touch(fresh, nowMs);
    return fresh.size();
  }
}
