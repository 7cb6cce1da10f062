package io.wattsweep.worker.train.threedgan;

import io.wattsweep.worker.train.internal.Grid;

/**
 * Sizes of the 3DGAN at a scale. At 1 they are the published network's (Khattak et al., arXiv
 * 2109.07388, and its Keras code, {@code AngleArch3dGAN.py}): a latent vector of 256 (primary
 * energy, angle and 254 noise values), a dense layer onto a 9 x 9 x 8 grid of 8 channels, images of
 * 51 x 51 x 25 cells, generator filters 8 then 6, discriminator filters 16 then 8.
 *
 * <p>A smaller scale keeps every layer and kernel and shrinks the generator's first grid, and with
 * it the images (the generator's padded and valid convolutions take a grid side g to 6g - 3 cells
 * across and 6g - 23 deep), and the latent size and filter counts. The grid never shrinks below 4 x
 * 4 x 6, which gives 21 x 21 x 13 images: the smallest the discriminator's three valid (5, 6, 6)
 * convolutions and its 2x pooling accept.
 *
 * @param scale the size factor in (0, 1]
 * @param gridXy the dense layer's grid, across
 * @param gridZ the dense layer's grid, in depth
 * @param gridChannels channels of that grid
 * @param latent the generator's input: energy, angle and {@code latent - 2} noise values
 * @param g1 filters of the generator's first convolution
 * @param g2 filters of its later ones (but the last, which has one)
 * @param d1 filters of the discriminator's first convolution
 * @param d2 filters of its later ones
 */
record GanDims(
    double scale,
    int gridXy,
    int gridZ,
    int gridChannels,
    int latent,
    int g1,
    int g2,
    int d1,
    int d2) {

  /** The generator's {@code UpSampling3D} factor. */
  static final int UPSAMPLE = 6;

  private static final int MIN_GRID_XY = 4;
  private static final int MIN_GRID_Z = 6;

  static GanDims of(double scale) {
    return new GanDims(
        scale,
        Math.max(MIN_GRID_XY, (int) Math.round(9 * scale)),
        Math.max(MIN_GRID_Z, (int) Math.round(8 * scale)),
        filters(8, scale),
        Math.max(8, (int) Math.round(256 * scale)),
        filters(8, scale),
        filters(6, scale),
        filters(16, scale),
        filters(8, scale));
  }

  /** The dense layer's output, reshaped: the generator's first grid. */
  Grid grid() {
    return new Grid(gridXy, gridXy, gridZ, gridChannels);
  }

  /** The calorimeter image the generator makes and the discriminator judges. */
  Grid image() {
    return new Grid(UPSAMPLE * gridXy - 3, UPSAMPLE * gridXy - 3, UPSAMPLE * gridZ - 23, 1);
  }

  /** Noise values in the generator's input, after the energy and the angle. */
  int noise() {
    return latent - 2;
  }

  private static int filters(int full, double scale) {
    return Math.max(2, (int) Math.round(full * scale));
  }
}
