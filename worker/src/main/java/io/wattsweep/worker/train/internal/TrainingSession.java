package io.wattsweep.worker.train.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * What a workload trains with: its graph, the network built in it, the session that runs it, and
 * the precision that ran. {@link #open} builds, starts and initialises them in that order and, if a
 * stage fails, closes what it made and the workload's data; {@link #close} closes them all once.
 *
 * @param <N> the workload's graph of networks, losses and updates
 */
public final class TrainingSession<N> implements AutoCloseable {

  public final N net;
  public final Session session;
  public final Graph graph;
  private final Runnable closeData;
  private PrecisionPlan.Outcome precision;
  private boolean closed;

  private TrainingSession(Graph graph, N net, Session session, Runnable closeData) {
    this.graph = graph;
    this.net = net;
    this.session = session;
    this.closeData = closeData;
  }

  /**
   * @param closeData closes the workload's data, here on failure and later on {@link #close}
   * @param build builds the networks, losses and updates in the graph
   * @param load puts the workload's data where its graph reads it, once the weights are set
   * @param executedGraphs the graphs of a run that updates nothing, for the precision plan
   */
  public static <N> TrainingSession<N> open(
      Placement placement,
      Runnable closeData,
      Function<Graph, N> build,
      Consumer<TrainingSession<N>> load,
      Function<TrainingSession<N>, List<GraphDef>> executedGraphs) {
    Graph graph = new Graph();
    TrainingSession<N> training;
    try {
      N net = build.apply(graph);
      training = new TrainingSession<>(graph, net, placement.open(graph), closeData);
    } catch (RuntimeException e) {
      graph.close();
      closeData.run();
      throw e;
    }
    try {
      training.session.initialize();
      load.accept(training);
      training.precision = placement.resolve(() -> executedGraphs.apply(training));
    } catch (RuntimeException e) {
      training.close();
      throw e;
    }
    return training;
  }

  /** What ran, and why it is not what was asked for, if it is not. */
  public PrecisionPlan.Outcome precision() {
    return precision;
  }

  /** Runs {@code update} on what {@code fed} feeds; returns {@code loss} from the same run. */
  /** Saves {@code variables} as a TensorFlow checkpoint at {@code prefix}. */
  void save(List<Variable<TFloat32>> variables, Path prefix) {
    Checkpoints.save(graph, session, variables, prefix);
  }

  public static double run(Session.Runner fed, Operand<TFloat32> loss, Op update) {
    try (Result result = fed.fetch(loss).addTarget(update).run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    session.close();
    graph.close();
    closeData.run();
  }
}
