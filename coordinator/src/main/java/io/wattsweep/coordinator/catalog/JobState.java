package io.wattsweep.coordinator.catalog;

/**
 * A job's state. States only move forward (by rank), so a late or redelivered event never takes
 * a finished job back.
 */
public enum JobState {
  QUEUED(0),
  RUNNING(1),
  /** A run the catalog stopped hearing from; its job is queued again. Runs only. */
  ABANDONED(2),
  FAILED(2),
  COMPLETED(3);

  private final int rank;

  JobState(int rank) {
    this.rank = rank;
  }

  public boolean isBefore(JobState other) {
    return rank < other.rank;
  }

  public boolean isFinal() {
    return this == FAILED || this == COMPLETED || this == ABANDONED;
  }
}
