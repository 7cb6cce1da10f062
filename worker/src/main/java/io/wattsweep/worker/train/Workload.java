package io.wattsweep.worker.train;

import io.wattsweep.common.spec.Precision;
import java.nio.file.Path;

/**
 * A model's training loop, built once, stepped many times.
 *
 * <p>Not thread-safe: one thread builds, steps and closes it. Exceptions from TensorFlow (out of
 * memory included) propagate unchanged so that the caller can classify them.
 */
public interface Workload extends AutoCloseable {

  /** The prefix of the files {@link #saveGenerator(Path)} writes. */
  String GENERATOR_CHECKPOINT = "generator";

  /**
   * One full GAN training step (discriminator update, then generator update) on one global batch.
   * Blocking.
   */
  StepLosses step();

  /**
   * Writes the generator's current weights into {@code directory} (which exists) as a TensorFlow
   * checkpoint: {@code generator.index} and {@code generator.data-00000-of-00001}, each tensor
   * named after its variable. The other networks and the optimizers' state are left out. Blocking.
   */
  void saveGenerator(Path directory);

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
