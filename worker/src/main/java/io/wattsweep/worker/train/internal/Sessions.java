package io.wattsweep.worker.train.internal;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/** Reading back from a session: weights, and the graphs it executed. */
public final class Sessions {

  private Sessions() {}

  /** The variables' values, flattened in order. */
  public static float[] read(Session session, List<Variable<TFloat32>> variables) {
    return read(session.runner(), variables);
  }

  /** The values of {@code outputs} in one run of {@code runner}, flattened in order. */
  public static float[] read(Session.Runner runner, List<? extends Operand<TFloat32>> outputs) {
    for (Operand<TFloat32> o : outputs) {
      runner.fetch(o);
    }
    try (Result result = runner.run()) {
      long total = 0;
      for (int i = 0; i < outputs.size(); i++) {
        total += result.get(i).shape().size();
      }
      float[] values = new float[Math.toIntExact(total)];
      int at = 0;
      for (int i = 0; i < outputs.size(); i++) {
        TFloat32 t = (TFloat32) result.get(i);
        int n = Math.toIntExact(t.size());
        float[] part = new float[n];
        t.asRawTensor().data().asFloats().read(part);
        System.arraycopy(part, 0, values, at, n);
        at += n;
      }
      return values;
    }
  }

  /** A generator's forward pass, from its input (n, width) to its output. */
  public interface Forward {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> input);
  }

  /**
   * Adds a forward pass of a generator on constant inputs (n rows, flattened) to {@code graph} and
   * returns its output, flattened: how a saved generator is compared with the one that trained.
   */
  public static float[] generate(
      Graph graph, Session session, Forward forward, float[] input, int n) {
    Ops tf = Ops.create(graph).withSubScope("generate");
    var out =
        forward.apply(
            tf, tf.reshape(tf.constant(input), tf.constant(new long[] {n, input.length / n})));
    try (Result result = session.runner().fetch(out).run()) {
      TFloat32 t = (TFloat32) result.get(0);
      float[] values = new float[Math.toIntExact(t.size())];
      t.asRawTensor().data().asFloats().read(values);
      return values;
    }
  }

  /**
   * Runs {@code runner} (fed and fetching, with no update) and returns the partition graphs it
   * executed, as optimised and placed: they show whether a precision rewrite applied.
   */
  public static List<GraphDef> executedGraphs(Session.Runner runner) {
    try (Result result =
        runner
            .setOptions(RunOptions.newBuilder().setOutputPartitionGraphs(true).build())
            .runAndFetchMetadata()) {
      return result.getMetadata().map(RunMetadata::getPartitionGraphsList).orElse(List.of());
    }
  }
}
