package io.wattsweep.worker.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a workload built, reported with every run so results can be compared across models.
 *
 * <p>Runs report two sizes, generator and discriminator. A model with more networks folds them in:
 * the VAE-ProGAN's generator side is its encoder plus its generator (both trained by the
 * generator's loss), its discriminator side the local plus the global critic. {@link
 * #parametersByNetwork()} keeps every network apart.
 *
 * @param model the model's wire name, e.g. "3dgan"
 * @param scale the size factor in (0, 1]; 1 is the paper's size
 * @param generatorParameters trainable scalars on the generator's side, from the variables' shapes
 * @param discriminatorParameters trainable scalars on the discriminator's side
 * @param flopsPerStep floating-point operations of one training step on the global batch
 * @param flopsMethod how {@code flopsPerStep} was obtained
 * @param parametersByNetwork trainable scalars of each network, in the model's order
 */
public record ModelInfo(
    String model,
    double scale,
    long generatorParameters,
    long discriminatorParameters,
    long flopsPerStep,
    String flopsMethod,
    Map<String, Long> parametersByNetwork) {

  /** Keeps the networks in the order given, unmodifiable. */
  public ModelInfo {
    if (parametersByNetwork == null) {
      throw new IllegalArgumentException("parametersByNetwork must not be null: null");
    }
    parametersByNetwork = Collections.unmodifiableMap(new LinkedHashMap<>(parametersByNetwork));
  }

  /** A two-network model: the generator and the discriminator. */
  public ModelInfo(
      String model,
      double scale,
      long generatorParameters,
      long discriminatorParameters,
      long flopsPerStep,
      String flopsMethod) {
    this(
        model,
        scale,
        generatorParameters,
        discriminatorParameters,
        flopsPerStep,
        flopsMethod,
        twoNetworks(generatorParameters, discriminatorParameters));
  }

  /** Trainable scalars of all networks together. */
  public long totalParameters() {
    return parametersByNetwork.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Long> twoNetworks(long generator, long discriminator) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("generator", generator);
    m.put("discriminator", discriminator);
    return m;
  }
}
