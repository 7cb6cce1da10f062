package io.wattsweep.coordinator.catalog;

import io.wattsweep.common.event.PowerSample;
import java.util.HashMap;
import java.util.Map;

/**
 * The power samples that {@link SampleDecimation} leaves out, folded into the stored sample that
 * closes their window: a stored sample at seq W past the full-rate events stands for the samples of
 * seqs W-9 to W, and keeps how many it saw with their least, most and mean. A run's events reach
 * the catalog in order, so a window's left-out samples come before its stored one; one redelivered
 * is not counted twice. Folds live in memory: a window whose first samples reached another
 * coordinator (a rebalance, a restart) is summarised from those this one saw, and says how many.
 * Changes since {@link #begin} are undone by {@link #rollback}, with the transaction.
 */
final class SampleFolds {
  /** What a stored sample stands for: {@code samples} samples, itself included. */
  record Summary(int samples, double minWatts, double maxWatts, double meanWatts) {}

  private static final class Fold {
    final long window;
    long lastSeq;
    int n;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum;

    Fold(long window) {
      this.window = window;
    }

    Fold copy() {
      var f = new Fold(window);
      f.lastSeq = lastSeq;
      f.n = n;
      f.min = min;
      f.max = max;
      f.sum = sum;
      return f;
    }
  }

  private final Map<String, Fold> folds = new Lru<>(20_000);

  /** Each run's fold as it was at {@link #begin} (null: none), for {@link #rollback}. */
  private final Map<String, Fold> before = new HashMap<>();

  /** Starts a transaction's changes. */
  void begin() {
    before.clear();
  }

  /** The changes since {@link #begin} are committed: a later rollback leaves them be. */
  void committed() {
    before.clear();
  }

  /** Undoes the changes since {@link #begin}. */
  void rollback() {
    before.forEach(
        (run, fold) -> {
          if (fold == null) {
            folds.remove(run);
          } else {
            folds.put(run, fold);
          }
        });
    before.clear();
  }

  /** The seq of the stored sample whose window holds {@code seq}. */
  static long window(long seq) {
    return (seq + SampleDecimation.STRIDE - 1) / SampleDecimation.STRIDE * SampleDecimation.STRIDE;
  }

  /** Folds a sample that decimation leaves out into its window. */
  void fold(PowerSample p) {
    long window = window(p.seq());
    Fold f = folds.get(p.runId());
    if (f != null && (window < f.window || window == f.window && p.seq() <= f.lastSeq)) {
      return; // redelivered, or of a window already closed
    }
    remember(p.runId(), f);
    if (f == null || window > f.window) {
      f = new Fold(window);
      folds.put(p.runId(), f);
    }
    f.lastSeq = p.seq();
    f.n++;
    f.min = Math.min(f.min, p.powerWatts());
    f.max = Math.max(f.max, p.powerWatts());
    f.sum += p.powerWatts();
  }

  /**
   * Closes the window of a stored sample past the full-rate events; null where none of its window's
   * other samples was folded here.
   */
  Summary close(PowerSample kept) {
    Fold f = folds.get(kept.runId());
    if (f == null || f.window != kept.seq()) {
      return null;
    }
    remember(kept.runId(), f);
    folds.remove(kept.runId());
    double w = kept.powerWatts();
    return new Summary(f.n + 1, Math.min(f.min, w), Math.max(f.max, w), (f.sum + w) / (f.n + 1));
  }

  private void remember(String run, Fold current) {
    if (!before.containsKey(run)) {
      before.put(run, current == null ? null : current.copy());
    }
  }
}
