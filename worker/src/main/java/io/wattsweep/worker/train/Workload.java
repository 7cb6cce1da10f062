package io.wattsweep.worker.train;

import io.wattsweep.common.spec.Precision;

/**
 * A model's training loop, built once, stepped many times.
 *
 * <p>Not thread-safe: one thread builds, steps and closes it. Exceptions from TensorFlow (out of
 * memory included) propagate unchanged so that the caller can classify them.
 */
public interface Workload extends AutoCloseable {

  /**
   * One full GAN training step (discriminator update, then generator update) on one global batch.
   * Blocking.
   */
  StepLosses step();

  /** What was built: sizes and the analytic cost of one step. */
  ModelInfo info();

  /** The precision that actually ran (e.g. fp32 when tf32 was asked on a CPU). */
  Precision precisionRan();

  /** Why {@link #precisionRan()} differs from the request, or "" when it does not. */
  String precisionNote();

  /** Releases the TensorFlow session, graph and fed tensors. */
  @Override
  void close();
}
