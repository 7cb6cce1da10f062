package io.wattsweep.coordinator.catalog;

/**
 * A job's (and a run's) state. Events only move a job forward (by rank), so a late or redelivered
 * event never takes a finished job back; the coordinator alone puts a job whose run went silent
 * back to QUEUED (the run becomes ABANDONED). A job has at most one COMPLETED run: any other run of
 * it that completes is SUPERSEDED, kept with its data and counted nowhere.
 */
public enum JobState {
  QUEUED(0),
  RUNNING(1),
  /** A run the catalog stopped hearing from; its job is queued again. Runs only. */
  ABANDONED(2),
  FAILED(2),
  COMPLETED(3),
  /**
   * A run that completed after another run of its job had: kept whole, but no result. Runs only.
   */
  SUPERSEDED(3);

  private final int rank;

  JobState(int rank) {
    this.rank = rank;
  }

  public boolean isBefore(JobState other) {
    return rank < other.rank;
  }

  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }

  /** Whether a job can be in this state; the others are states of runs only. */
  public boolean ofJobs() {
    return this != ABANDONED && this != SUPERSEDED;
  }
}
