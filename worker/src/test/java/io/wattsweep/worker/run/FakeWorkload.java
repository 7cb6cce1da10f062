package io.wattsweep.worker.run;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.Workload;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Counts its steps; step i returns losses (i, -i); may fail at a given step. */
final class FakeWorkload implements Workload {
  final AtomicInteger steps = new AtomicInteger();
  private final int failAtStep;
  private final Supplier<Throwable> failure;
  volatile boolean closed;
  CountDownLatch waitBeforeFirstStep;

  FakeWorkload() {
    this(-1, null);
  }

  FakeWorkload(int failAtStep, Supplier<Throwable> failure) {
    this.failAtStep = failAtStep;
    this.failure = failure;
  }

  @Override
  public StepLosses step() {
    if (waitBeforeFirstStep != null) {
      FakeMeter.awaitUninterruptibly(waitBeforeFirstStep, 2_000);
    }
    int step = steps.incrementAndGet();
    if (step == failAtStep) {
      Throwable t = failure.get();
      if (t instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) t;
    }
    return new StepLosses(step, -step);
  }

  @Override
  public ModelInfo info() {
    return new ModelInfo("3dgan", 0.25, 1_000, 2_000, 3_000, "analytic");
  }

  @Override
  public Precision precisionRan() {
    return Precision.FP32;
  }

  @Override
  public String precisionNote() {
    return "no tensor cores on a CPU";
  }

  @Override
  public void close() {
    closed = true;
  }
}
