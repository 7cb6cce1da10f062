package io.wattsweep.worker.train;

/**
 * Losses of one training step, each computed before its own update.
 *
 * @param discriminator the discriminator's loss on the real and generated halves of the batch
 * @param generator the generator's loss through the discriminator
 */
public record StepLosses(double discriminator, double generator) {}
