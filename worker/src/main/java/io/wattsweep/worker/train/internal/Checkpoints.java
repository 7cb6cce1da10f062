package io.wattsweep.worker.train.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * A network's variables as a TensorFlow checkpoint (format V2: {@code PREFIX.index} and {@code
 * PREFIX.data-00000-of-00001}), each tensor named after its variable, e.g. {@code
 * generator/dense/w}: what {@code tf.train.load_checkpoint} reads too. Only the listed variables
 * are written, not the optimizer's slots nor the other networks.
 */
public final class Checkpoints {

  private Checkpoints() {}

  /** Writes the variables' current values under {@code prefix}. */
  static void save(Graph graph, Session session, List<Variable<TFloat32>> variables, Path prefix) {
    Ops tf = Ops.create(graph).withSubScope("checkpoint_save");
    List<Operand<?>> values = new ArrayList<>(variables);
    Op save =
        tf.train.save(
            tf.constant(prefix.toString()),
            tf.constant(StandardCharsets.UTF_8, names(variables)),
            tf.constant(StandardCharsets.UTF_8, wholeTensors(variables.size())),
            values);
    session.runner().addTarget(save).run().close();
  }

  /** Sets the variables to the values saved under {@code prefix}, matched by name. */
  public static void restore(
      Graph graph, Session session, List<Variable<TFloat32>> variables, Path prefix) {
    Ops tf = Ops.create(graph).withSubScope("checkpoint_restore");
    List<Class<? extends TType>> types = new ArrayList<>();
    variables.forEach(v -> types.add(TFloat32.class));
    Restore restored =
        tf.train.restore(
            tf.constant(prefix.toString()),
            tf.constant(StandardCharsets.UTF_8, names(variables)),
            tf.constant(StandardCharsets.UTF_8, wholeTensors(variables.size())),
            types);
    Session.Runner runner = session.runner();
    List<Output<?>> tensors = restored.tensors();
    for (int i = 0; i < variables.size(); i++) {
      runner.addTarget(tf.assign(variables.get(i), tensors.get(i).expect(TFloat32.class)));
    }
    runner.run().close();
  }

  private static String[] names(List<Variable<TFloat32>> variables) {
    return variables.stream().map(v -> v.op().name()).toArray(String[]::new);
  }

  /** An empty shape-and-slice spec means the whole tensor. */
  private static String[] wholeTensors(int n) {
    return Collections.nCopies(n, "").toArray(String[]::new);
  }
}
