package io.wattsweep.coordinator.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import java.util.Map;

/**
 * Whether a reader of a topic is caught up: it has reached, in every partition, the end offsets the
 * previous check read. A check that could not read them (the broker away) leaves it not caught up
 * until two more succeed; a steady stream of new records never keeps it behind, since it is held
 * only to what the log held one check ago.
 */
final class CatchUp {
  private Map<TopicPartition, Long> previousEnds;

  /**
   * Records {@code ends} for the next check and says whether {@code reached} (the next offset to
   * read of each partition) is at or past the ends of the previous one, in all of them.
   */
  synchronized boolean check(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> reached) {
    Map<TopicPartition, Long> previous = previousEnds;
    previousEnds = Map.copyOf(ends);
    return previous != null
        && previous.keySet().equals(ends.keySet())
        && previous.entrySet().stream()
            .allMatch(e -> reached.getOrDefault(e.getKey(), -1L) >= e.getValue());
  }

  /** The ends could not be read: what the log holds is unknown. */
  synchronized void unknown() {
    previousEnds = null;
  }
}
