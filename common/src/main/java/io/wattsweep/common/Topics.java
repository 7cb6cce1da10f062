package io.wattsweep.common;

/** Kafka topic names shared by the coordinator and the workers. */
public final class Topics {
  /** Events of every run, keyed by job id. */
  public static final String EVENTS = "wattsweep.events";

  /** Worker heartbeats, keyed by worker id. */
  public static final String HEARTBEATS = "wattsweep.heartbeats";

  /** Records a consumer could not decode, with the reason in the header {@link #REASON_HEADER}. */
  public static final String DEAD_LETTERS = "wattsweep.dead-letters";

  public static final String REASON_HEADER = "wattsweep-reason";

  /** Where a dead letter came from: {@code topic-partition@offset}. */
  public static final String SOURCE_HEADER = "wattsweep-source";

  private Topics() {}

  /** The jobs of one GPU class: its workers share one consumer group. */
  public static String jobs(String gpuClass) {
    return "wattsweep.jobs." + gpuClass;
  }

  /** The consumer group of the workers of one GPU class. */
  public static String workerGroup(String gpuClass) {
    return "wattsweep-workers-" + gpuClass;
  }
}
