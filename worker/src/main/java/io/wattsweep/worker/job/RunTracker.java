package io.wattsweep.worker.job;

import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;

/** What the worker has seen of a run: whether it ended, and the next free sequence number. */
final class RunTracker {
  private long nextSeq;
  private boolean finished;

  synchronized void saw(RunEvent e) {
    nextSeq = Math.max(nextSeq, e.seq() + 1);
    finished |= e instanceof RunCompleted || e instanceof RunFailed;
  }

  synchronized boolean finished() {
    return finished;
  }

  synchronized long nextSeq() {
    return nextSeq;
  }
}
