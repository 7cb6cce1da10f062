package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The trainable variables of one network, initialised from the seed with stateless random ops so
 * the same seed always gives the same weights.
 */
final class Params {

  private final Ops init;
  private final long seed;
  private final long stream;
  private final List<Variable<TFloat32>> variables = new ArrayList<>();

  /**
   * @param tf the network's scope, e.g. {@code tf.withSubScope("generator")}
   * @param seed the run's seed
   * @param stream distinguishes networks so that they never draw the same numbers
   */
  Params(Ops tf, long seed, long stream) {
    this.init = tf.withInitScope();
    this.seed = seed;
    this.stream = stream;
  }

  /** A weight drawn from a truncated normal with He scaling: stddev sqrt(2 / fanIn). */
  Variable<TFloat32> weight(String name, long fanIn, long... shape) {
    Ops named = init.withSubScope(name);
    long[] key = {seed, stream * 1_000_003L + variables.size()};
    var draw = named.random.statelessTruncatedNormal(named.constant(shape), named.constant(key));
    var scaled = named.math.mul(draw, named.constant((float) Math.sqrt(2.0 / fanIn)));
    return register(named.withName("w").variable(scaled));
  }

  /**
   * A weight drawn from N(0, 1), for layers with an equalized learning rate (Karras et al. 2018):
   * the He constant is applied at run time instead, so every weight learns at the same pace.
   */
  Variable<TFloat32> unitWeight(String name, long... shape) {
    Ops named = init.withSubScope(name);
    long[] key = {seed, stream * 1_000_003L + variables.size()};
    var draw =
        named.random.statelessRandomNormal(
            named.constant(shape), named.constant(key), TFloat32.class);
    return register(named.withName("w").variable(draw));
  }

  /** A bias, zero at start. */
  Variable<TFloat32> bias(String name, long size) {
    Ops named = init.withSubScope(name);
    return register(
        named
            .withName("b")
            .variable(named.zeros(named.constant(new long[] {size}), TFloat32.class)));
  }

  List<Variable<TFloat32>> all() {
    return Collections.unmodifiableList(variables);
  }

  /** Trainable scalars, from the variables' static shapes. */
  long count() {
    long n = 0;
    for (Variable<TFloat32> v : variables) {
      n += v.shape().size();
    }
    return n;
  }

  private Variable<TFloat32> register(Variable<TFloat32> v) {
    variables.add(v);
    return v;
  }
}
