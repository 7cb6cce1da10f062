package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.RunEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests a poll of events and the offsets it was read up to in one transaction: after a crash the
 * catalog holds the events of exactly the offsets it holds.
 */
final class Ingestion {
  private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);

  private final Connection c;
  private final Transactions tx;
  private final EventApplier applier;

  Ingestion(Connection c, Transactions tx, EventApplier applier) {
    this.c = c;
    this.tx = tx;
    this.applier = applier;
  }

  /** Applies the events and moves the offsets forward; returns how many events were new. */
  int ingest(List<RunEvent> events, List<EventOffset> offsets, long nowMs) {
    // Redelivered samples and batches are rare (a restart, a rebalance): insert without looking
    // them up, which for a batch spread over thousands of runs cost more than the inserts, and
    // write the batch again with the look-ups only when a key turns out to be stored already.
    try {
      return tx.run(() -> applyAndAdvance(events, offsets, nowMs, false));
    } catch (CatalogException e) {
      if (!isDuplicateKey(e)) {
        throw e;
      }
      LOG.debug("Some of {} events were stored before; writing the others", events.size());
      return tx.run(() -> applyAndAdvance(events, offsets, nowMs, true));
    }
  }

  private int applyAndAdvance(
      List<RunEvent> events, List<EventOffset> offsets, long nowMs, boolean checkStored)
      throws SQLException {
    int applied = applier.applyAll(events, nowMs, checkStored);
    EventOffsets.advance(c, offsets);
    return applied;
  }

  /** A unique-key violation (SQLSTATE 23505 on H2 and PostgreSQL), anywhere in the chain. */
  private static boolean isDuplicateKey(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (var sql = t instanceof SQLException s ? s : null;
          sql != null;
          sql = sql.getNextException()) {
        if ("23505".equals(sql.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }
}
