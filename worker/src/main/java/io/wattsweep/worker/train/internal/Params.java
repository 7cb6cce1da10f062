package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The trainable variables of one network, initialised from the seed with stateless random ops so
 * the same seed always gives the same weights.
 */
public final class Params {

  private final Ops init;
  private final Compute compute;
  private final long seed;
  private final long stream;
  private final List<Variable<TFloat32>> variables = new ArrayList<>();

  /** Each variable as its layer and role, e.g. "dense/b" (the graph may name it "dense_1/b"). */
  private final List<String> labels = new ArrayList<>();

  /**
   * @param tf the network's scope, e.g. {@code tf.withSubScope("generator")}
   * @param seed the run's seed
   * @param stream distinguishes networks so that they never draw the same numbers
   * @param compute what the network's products compute in
   */
  public Params(Ops tf, long seed, long stream, Compute compute) {
    this.init = tf.withInitScope();
    this.compute = compute;
    this.seed = seed;
    this.stream = stream;
  }

  /**
   * The standard deviation of a unit normal truncated at two standard deviations, as TensorFlow's
   * truncated normal is: Keras divides its target by it so the drawn weights keep their stddev.
   */
  static final double TRUNCATION_STDDEV = 0.87962566103423978;

  /** What the network's convolutions and matrix products compute in. */
  public Compute compute() {
    return compute;
  }

  /** A weight drawn uniformly from [-limit, limit). */
  public Variable<TFloat32> uniform(String name, double limit, long... shape) {
    Ops named = init.withSubScope(name);
    var draw = named.random.statelessRandomUniform(named.constant(shape), named.constant(key()));
    var centred = named.math.sub(named.math.mul(draw, named.constant(2f)), named.constant(1f));
    return register(
        name + "/w",
        named.withName("w").variable(named.math.mul(centred, named.constant((float) limit))));
  }

  /** A weight drawn from a normal truncated at two standard deviations, then scaled. */
  Variable<TFloat32> truncatedNormal(String name, double stddev, long... shape) {
    Ops named = init.withSubScope(name);
    var draw = named.random.statelessTruncatedNormal(named.constant(shape), named.constant(key()));
    return register(
        name + "/w",
        named.withName("w").variable(named.math.mul(draw, named.constant((float) stddev))));
  }

  /**
   * A weight drawn from N(0, 1), for layers with an equalized learning rate (Karras et al. 2018):
   * the He constant is applied at run time instead, so every weight learns at the same pace.
   */
  public Variable<TFloat32> unitWeight(String name, long... shape) {
    Ops named = init.withSubScope(name);
    var draw =
        named.random.statelessRandomNormal(
            named.constant(shape), named.constant(key()), TFloat32.class);
    return register(name + "/w", named.withName("w").variable(draw));
  }

  /** A bias, zero at start. */
  public Variable<TFloat32> bias(String name, long size) {
    return zeros(name, "b", size);
  }

  /** A vector of zeros at start, e.g. a batch norm's offset. */
  public Variable<TFloat32> zeros(String name, String variable, long size) {
    Ops named = init.withSubScope(name);
    return register(
        name + "/" + variable,
        named
            .withName(variable)
            .variable(named.zeros(named.constant(new long[] {size}), TFloat32.class)));
  }

  /** A vector of ones at start, e.g. a batch norm's scale. */
  public Variable<TFloat32> ones(String name, String variable, long size) {
    Ops named = init.withSubScope(name);
    return register(
        name + "/" + variable,
        named
            .withName(variable)
            .variable(named.fill(named.constant(new long[] {size}), named.constant(1f))));
  }

  public List<Variable<TFloat32>> all() {
    return Collections.unmodifiableList(variables);
  }

  /** Trainable scalars, from the variables' static shapes. */
  public long count() {
    long n = 0;
    for (Variable<TFloat32> v : variables) {
      n += v.shape().size();
    }
    return n;
  }

  /**
   * The network as built: each variable's layer and role and its shape, in building order, e.g.
   * {@code "conv0/w 5x5x5x1x8, conv0/b 8"}. The layer is the name the network gives it; the graph
   * may suffix a second scope of one name ("conv0_1/b"), the checkpoint's tensor names.
   */
  String summary() {
    var parts = new ArrayList<String>();
    for (int i = 0; i < variables.size(); i++) {
      var dims = new ArrayList<String>();
      for (long d : variables.get(i).shape().asArray()) {
        dims.add(Long.toString(d));
      }
      parts.add(labels.get(i) + " " + String.join("x", dims));
    }
    return String.join(", ", parts);
  }

  /** Networks as built, one line each: its name, its parameters, then its {@link #summary}. */
  public static String describe(Map<String, Params> networks) {
    var lines = new ArrayList<String>();
    networks.forEach(
        (name, p) ->
            lines.add(
                String.format(
                    Locale.ROOT, "%s (%,d parameters): %s", name, p.count(), p.summary())));
    return String.join("\n", lines);
  }

  /** Each variable draws from its own key: the run's seed, the network and its position. */
  private long[] key() {
    return new long[] {seed, stream * 1_000_003L + variables.size()};
  }

  private Variable<TFloat32> register(String label, Variable<TFloat32> v) {
    labels.add(label);
    variables.add(v);
    return v;
  }
}
