package io.wattsweep.coordinator.catalog;

/**
 * A power sample's primary key: its run's key in the high 32 bits, its seq in the low (see
 * V4__integer_run_keys), so that a run's samples are one key range, in seq order.
 */
public final class SampleKeys {
  /** The highest seq a run can store: 13 years of a run at 10 Hz. */
  public static final long MAX_SEQ = 0xFFFF_FFFFL;

  private SampleKeys() {}

  /** The key of the run's sample {@code seq}, at most {@link #MAX_SEQ}. */
  public static long of(long runKey, long seq) {
    return (runKey << 32) | seq;
  }

  /** The key of the last sample the run can store: its range ends there. */
  public static long last(long runKey) {
    return of(runKey, MAX_SEQ);
  }
}
