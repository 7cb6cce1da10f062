package io.wattsweep.worker.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Dynamic loss scaling as the GANs build it: two towers' gradients of the scaled loss, averaged,
 * unscaled, and applied by RMSprop (the 3DGAN's) or Adam (the VAE-ProGAN's) only when all finite.
 */
class LossScaleTest {

  /** loss = sum(w * x) per tower, x fed: an inf in x makes the gradient inf. */
  private static final class Net implements AutoCloseable {
    final Graph graph = new Graph();
    final Ops tf = Ops.create(graph);
    final Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
    final Variable<TFloat32> w =
        tf.withInitScope().withName("w").variable(tf.withInitScope().constant(new float[] {1, 2}));
    final LossScale scale;
    final Op update;
    final Session session;

    Net(boolean adam) {
      Ops opt = tf.withSubScope("optimizer");
      scale = LossScale.dynamic(opt);
      Towers towers = Towers.onOneDevice(2);
      List<List<Output<?>>> perTower = new ArrayList<>();
      var parts = TowerGradients.split(tf, x, towers.count());
      for (int i = 0; i < towers.count(); i++) {
        Ops t = tf.withSubScope("tower" + i);
        var loss = t.reduceSum(t.math.mul(w, parts.get(i)), t.constant(new int[] {0, 1}));
        perTower.add(TowerGradients.of(graph, t, "gradients" + i, loss, scale, List.of(w)));
      }
      var gradients = TowerGradients.averageEach(tf, perTower, scale);
      RmsProp rmsProp = adam ? null : new RmsProp(opt, List.of(w), 0.1f);
      update =
          scale.guard(
              opt,
              gradients,
              g -> {
                if (rmsProp != null) {
                  return rmsProp.update(opt, g);
                }
                GradientBarrier barrier = GradientBarrier.of(opt, g);
                return Adam.apply(opt, barrier, List.of(w), barrier.ready(), Adam.Settings.PROGAN);
              });
      session = new Session(graph);
      session.initialize();
    }

    void step(float value) {
      try (TFloat32 fed = TFloat32.tensorOf(org.tensorflow.ndarray.Shape.of(2, 2));
          Result r = feed(fed, value).run()) {
        assertEquals(0, r.size());
      }
    }

    private Session.Runner feed(TFloat32 fed, float value) {
      for (long i = 0; i < 2; i++) {
        for (long j = 0; j < 2; j++) {
          fed.setFloat(value, i, j);
        }
      }
      return session.runner().feed(x, fed).addTarget(update);
    }

    float scale() {
      try (Result r = session.runner().fetch(scale.scale).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }

    int finiteSteps() {
      try (Result r = session.runner().fetch(scale.finiteSteps).run()) {
        return ((TInt32) r.get(0)).getInt();
      }
    }

    void set(float newScale, int newSteps) {
      session
          .runner()
          .addTarget(tf.assign(scale.scale, tf.constant(newScale)))
          .addTarget(tf.assign(scale.finiteSteps, tf.constant(newSteps)))
          .run()
          .close();
    }

    /** The weights and the optimizer's slots. */
    Map<String, float[]> state() {
      return TrainingState.read(graph, session);
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  @Test
  void injectedInfSkipsTheAdamStepAndHalvesTheScale() {
    try (Net net = new Net(true)) {
      Map<String, float[]> before = net.state();
      // w, Adam's two moments and its two bias-correction powers.
      assertEquals(5, before.size());
      net.step(Float.POSITIVE_INFINITY);
      TrainingState.assertSame(before, net.state());
      assertEquals(LossScale.INITIAL / 2, net.scale());
      assertEquals(0, net.finiteSteps());

      net.step(1f);
      assertFalse(Arrays.equals(before.get("w"), net.state().get("w")));
      assertEquals(LossScale.INITIAL / 2, net.scale());
      assertEquals(1, net.finiteSteps());
    }
  }

  @Test
  void aScaleThatOverflowsTheGradientsSkipsTheRmsPropStep() {
    try (Net net = new Net(false)) {
      // Finite losses, but loss scale x 4 overflows float32 in the backward pass.
      net.set(3e38f, 7);
      Map<String, float[]> before = net.state();
      assertEquals(3, before.size());
      net.step(4f);
      TrainingState.assertSame(before, net.state());
      assertEquals(1.5e38f, net.scale());
      assertEquals(0, net.finiteSteps());

      net.step(4f);
      net.step(4f);
      assertEquals(3.75e37f, net.scale());
      Map<String, float[]> applied = net.state();
      net.step(4f);
      assertFalse(Arrays.equals(applied.get("w"), net.state().get("w")));
      assertEquals(1, net.finiteSteps());
    }
  }

  @Test
  void theScaleDoublesAfterEnoughFiniteStepsAndNeverFallsBelowOne() {
    try (Net net = new Net(false)) {
      net.set(1024f, LossScale.GROWTH_STEPS - 1);
      net.step(1f);
      assertEquals(2048f, net.scale());
      assertEquals(0, net.finiteSteps());

      net.set(1.5f, 0);
      net.step(Float.NaN);
      assertEquals(1f, net.scale());
      net.step(Float.NaN);
      assertEquals(1f, net.scale());
    }
  }

  @Test
  void theUnscaledGradientsAreTheLossesOwn() {
    try (Net net = new Net(false);
        Net plain = new Net(false)) {
      plain.set(1f, 0);
      net.step(0.5f);
      plain.step(0.5f);
      TrainingState.assertSame(plain.state(), net.state());
    }
  }
}
