package io.wattsweep.worker.train.internal;

import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.Workload;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Session;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * What the built-in GANs share: the training session they step, what they built, and the {@link
 * Workload} members that only read those.
 *
 * @param <N> the model's graph of networks, losses and updates
 */
public abstract class GanWorkload<N> implements Workload {
  protected final TrainingSession<N> training;
  protected final N net;
  protected final Session session;
  private final ModelInfo info;

  protected GanWorkload(TrainingSession<N> training, ModelInfo info) {
    this.training = training;
    this.net = training.net;
    this.session = training.session;
    this.info = info;
  }

  /** The generator's weights, which {@link #saveGenerator} saves. */
  protected abstract List<Variable<TFloat32>> generatorVariables();

  @Override
  public boolean saveGenerator(Path directory) {
    training.save(generatorVariables(), directory.resolve(GENERATOR_CHECKPOINT));
    return true;
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public Precision precisionRan() {
    return training.precision().ran();
  }

  @Override
  public String precisionNote() {
    return training.precision().note();
  }

  @Override
  public void close() {
    training.close();
  }
}
