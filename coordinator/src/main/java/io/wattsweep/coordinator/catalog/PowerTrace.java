package io.wattsweep.coordinator.catalog;

import java.util.List;

/**
 * A run's power over time from its stored samples, for charts: energy figures never come from these
 * (they come from the meters' counters over each batch). A long trace comes in at most the asked
 * number of points, each a time bucket with the mean, least and most of its samples; {@code
 * bucketMs} is 0 where every sample is its own point.
 *
 * @param samples the run's samples the trace summarises: each stored one, and past the full-rate
 *     events the left-out ones folded into the stored one that follows them (the up to nine after a
 *     run's last stored sample have none to follow, and are not counted)
 * @param decimated true when the run outlived {@link SampleDecimation#FULL_RATE_EVENTS} events,
 *     after which one sample in {@link SampleDecimation#STRIDE} is stored, keeping the count,
 *     least, most and mean of those it stands for
 * @param methods how the samples were obtained (one method, unless the run's meter changed)
 * @param estimate true when any sample comes from a method that is an estimate
 */
public record PowerTrace(
    String runId,
    long samples,
    boolean decimated,
    List<String> methods,
    boolean estimate,
    long bucketMs,
    List<Point> points) {

  /**
   * One bucket: the time of its first and last stored sample, how many samples it summarises, their
   * mean, least and most.
   */
  public record Point(
      long fromMs, long toMs, long samples, double meanWatts, double minWatts, double maxWatts) {}
}
