package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one transaction of the catalog's connection: commits it and tells the caches that
 * what they learnt in it stays ({@code onCommit}), or rolls it back and tells them that it is gone
 * ({@code onRollback}).
 */
final class Transactions {
  private final Connection c;
  private final Runnable onCommit;
  private final Runnable onRollback;

  Transactions(Connection c, Runnable onCommit, Runnable onRollback) {
    this.c = c;
    this.onCommit = onCommit;
    this.onRollback = onRollback;
  }

  /** Work on the connection, in a transaction it neither commits nor rolls back. */
  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * The work's result, committed.
   *
   * @throws CatalogException when it failed, rolled back
   */
  <T> T run(Work<T> work) {
    try {
      T result = work.run();
      c.commit();
      onCommit.run();
      return result;
    } catch (SQLException | RuntimeException e) {
      onRollback.run();
      try {
        c.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      if (e instanceof CatalogException ce) {
        throw ce;
      }
      throw new CatalogException("catalog operation failed: " + e.getMessage(), e);
    }
  }
}
