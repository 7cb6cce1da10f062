package io.wattsweep.coordinator.catalog;

/**
 * Which power samples of a run the catalog stores: all of them among the run's first {@value
 * #FULL_RATE_EVENTS} events (ten minutes of a sampler at 10 Hz), then those whose seq is a multiple
 * of {@value #STRIDE}, each with the count, least, most and mean of the samples left out before it
 * ({@link SampleFolds}). Which are stored is a function of the sample's seq alone, so a redelivered
 * or late sample gets the same answer. Samples only feed charts: every energy figure comes from the
 * energy counter readings of measured batches and of the run's completion, never from samples.
 */
public final class SampleDecimation {
  /** A run's events before decimation starts. */
  public static final long FULL_RATE_EVENTS = 6_000;

  /** One sample in this many events is kept past {@link #FULL_RATE_EVENTS}. */
  public static final long STRIDE = 10;

  private SampleDecimation() {}

  /** Whether the catalog stores the power sample with this seq. */
  public static boolean stored(long seq) {
    return seq < FULL_RATE_EVENTS || seq % STRIDE == 0;
  }
}
