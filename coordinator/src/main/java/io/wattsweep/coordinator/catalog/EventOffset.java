package io.wattsweep.coordinator.catalog;

/**
 * How far the catalog has ingested one partition of a topic: {@code next} is the offset of the
 * first record it has not stored.
 */
public record EventOffset(String topic, int partition, long next) {
  public EventOffset {
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic must not be blank: '" + topic + "'");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0: " + partition);
    }
    if (next < 0) {
      throw new IllegalArgumentException("next must be >= 0: " + next);
    }
  }
}
