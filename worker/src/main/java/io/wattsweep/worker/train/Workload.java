package io.wattsweep.worker.train;

import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.Precision;
import java.nio.file.Path;
import java.util.Optional;

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
   * One full GAN training step (discriminator update, then generator update) on one global batch;
   * for a command workload, one step between its step markers. Blocking.
   */
  StepLosses step();

  /**
   * Writes the generator's current weights into {@code directory} (which exists) as a TensorFlow
   * checkpoint: {@code generator.index} and {@code generator.data-00000-of-00001}, each tensor
   * named after its variable. The other networks and the optimizers' state are left out. A command
   * workload copies what its command wrote into {@code WATTSWEEP_ARTIFACT_DIR}. Blocking.
   *
   * @return false where there is nothing to save (a command that wrote no files)
   */
  boolean saveGenerator(Path directory);

  /**
   * Blocks until the next step is about to start: the measured span begins there. Built-in models
   * start their steps at once; a command workload waits for its next step marker.
   */
  default void awaitStepStart() {}

  /**
   * True where the built workload holds its devices ready (context, session, memory) and idle until
   * its first step, so that idle measured then is the baseline that net of idle subtracts. A
   * command workload is at work from its start: its runs fall back on the bare idle.
   */
  default boolean idleWhenBuilt() {
    return true;
  }

  /** Called after the last measured step: waits for the workload to end, throws if it failed. */
  default void finish() {}

  /** The framework that trains, where it is not wattsweep's own TensorFlow Java. */
  default Optional<String> framework() {
    return Optional.empty();
  }

  /** What a full training means as the worker's operator defined it, for a command workload. */
  default Optional<FullTraining> fullTraining() {
    return Optional.empty();
  }

  /**
   * The networks as built, for the catalog's model versions: each network's parameters and its
   * variables' names and shapes. Empty where wattsweep did not build the model (a command).
   */
  default Optional<String> architecture() {
    return Optional.empty();
  }

  /** What was built: sizes and the analytic cost of one step. */
  ModelInfo info();

  /** The precision that actually ran (e.g. fp32 when tf32 was asked on a CPU). */
  Precision precisionRan();

  /**
   * Why {@link #precisionRan()} differs from the request, and on a CPU which kernels TensorFlow
   * ran; "" when there is nothing to say.
   */
  String precisionNote();

  /** Releases the TensorFlow session, graph and fed tensors, or stops the command. */
  @Override
  void close();
}
