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
final class Sessions {

  private Sessions() {}

  /** The variables' values, flattened in order. */
  static float[] read(Session session, List<Variable<TFloat32>> variables) {
    Session.Runner runner = session.runner();
    long total = 0;
    for (Variable<TFloat32> v : variables) {
      runner.fetch(v);
      total += v.shape().size();
    }
    float[] values = new float[Math.toIntExact(total)];
    try (Result result = runner.run()) {
      int at = 0;
      for (int i = 0; i < variables.size(); i++) {
        TFloat32 t = (TFloat32) result.get(i);
        int n = Math.toIntExact(t.size());
        float[] part = new float[n];
        t.asRawTensor().data().asFloats().read(part);
        System.arraycopy(part, 0, values, at, n);
        at += n;
      }
    }
    return values;
  }

  /** A generator's forward pass: latent (n, latent) and energies (n, 1) to its output. */
  interface Forward {
    Operand<TFloat32> apply(Ops tf, Operand<TFloat32> latent, Operand<TFloat32> energies);
  }

  /**
   * Adds a forward pass of a generator on constant inputs to {@code graph} and returns its output,
   * flattened: how a saved generator is compared with the one that trained.
   */
  static float[] generate(
      Graph graph, Session session, Forward forward, float[] latent, float[] energies) {
    Ops tf = Ops.create(graph).withSubScope("generate");
    long n = energies.length;
    var out =
        forward.apply(
            tf,
            tf.reshape(tf.constant(latent), tf.constant(new long[] {n, latent.length / n})),
            tf.reshape(tf.constant(energies), tf.constant(new long[] {n, 1})));
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
  static List<GraphDef> executedGraphs(Session.Runner runner) {
    try (Result result =
        runner
            .setOptions(RunOptions.newBuilder().setOutputPartitionGraphs(true).build())
            .runAndFetchMetadata()) {
      return result.getMetadata().map(RunMetadata::getPartitionGraphsList).orElse(List.of());
    }
  }
}
