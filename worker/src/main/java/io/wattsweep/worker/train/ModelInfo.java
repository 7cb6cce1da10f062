package io.wattsweep.worker.train;

/**
 * What a workload built, reported with every run so results can be compared across models.
 *
 * @param model the model's wire name, e.g. "3dgan"
 * @param scale the size factor in (0, 1]; 1 is the paper's size
 * @param generatorParameters trainable scalars of the generator, from its variables' shapes
 * @param discriminatorParameters trainable scalars of the discriminator
 * @param flopsPerStep floating-point operations of one training step on the global batch
 * @param flopsMethod how {@code flopsPerStep} was obtained
 */
public record ModelInfo(
    String model,
    double scale,
    long generatorParameters,
    long discriminatorParameters,
    long flopsPerStep,
    String flopsMethod) {}
