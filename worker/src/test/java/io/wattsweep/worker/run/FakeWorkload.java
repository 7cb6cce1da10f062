package io.wattsweep.worker.run;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Counts its steps; step i returns losses (i, -i); may fail at a given step. Its "generator" is a
 * file holding the number of steps taken; {@link #onSave} runs as it is saved.
 */
final class FakeWorkload implements Workload {
  final AtomicInteger steps = new AtomicInteger();
  private final int failAtStep;
  private final Supplier<Throwable> failure;
  volatile boolean closed;
  boolean idleWhenBuilt = true;
  CountDownLatch waitBeforeFirstStep;
  Runnable onSave = () -> {};

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
  public boolean saveGenerator(Path directory) {
    onSave.run();
    try {
      Files.writeString(directory.resolve(GENERATOR_CHECKPOINT + ".index"), "steps " + steps);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  @Override
  public boolean idleWhenBuilt() {
    return idleWhenBuilt;
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
