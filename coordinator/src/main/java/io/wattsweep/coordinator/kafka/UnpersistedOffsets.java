package io.wattsweep.coordinator.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;

/**
 * The offsets of batches written to the catalog but not yet on its disk, newest per partition,
 * and the one flush (persist, then commit) that may be in progress. Thread-safe: batches are
 * written on the consumer's context, flushes start from a timer and from stop.
 */
final class UnpersistedOffsets {
  private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
  private Future<Void> flushing = Future.succeededFuture();

  synchronized void add(Map<TopicPartition, OffsetAndMetadata> written) {
    written.forEach(this::keepNewest);
  }

  /**
   * All offsets waiting, which the caller is now to flush, completing {@code flush} when done;
   * null when there are none or a flush is still in progress (its successor takes them).
   */
  synchronized Map<TopicPartition, OffsetAndMetadata> take(Promise<Void> flush) {
    if (offsets.isEmpty() || !flushing.isComplete()) {
      return null;
    }
    flushing = flush.future();
    var taken = Map.copyOf(offsets);
    offsets.clear();
    return taken;
  }

  /** A flush failed: its offsets wait again, unless newer ones came meanwhile. */
  synchronized void giveBack(Map<TopicPartition, OffsetAndMetadata> taken) {
    taken.forEach(this::keepNewest);
  }

  /** Completes when no flush is in progress (successfully or not). */
  synchronized Future<Void> flushed() {
    return flushing.transform(done -> Future.succeededFuture());
  }

  private void keepNewest(TopicPartition tp, OffsetAndMetadata offset) {
    offsets.merge(tp, offset, (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
  }
}
