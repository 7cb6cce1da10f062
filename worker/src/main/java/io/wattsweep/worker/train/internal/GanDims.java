package io.wattsweep.worker.train.internal;

/**
 * Sizes of the 3DGAN at a scale. At 1 the images are the paper's 51 x 51 x 25 calorimeter cells and
 * the latent vector has 256 entries; a smaller scale shrinks images, latent and filter counts
 * together so that a CPU can step it in well under a second.
 *
 * @param imageXy transverse cells per side
 * @param imageZ longitudinal layers
 * @param latent generator input size
 * @param baseXy transverse size of the generator's first grid; two 2x upsamplings then a crop reach
 *     {@code imageXy}
 * @param baseZ longitudinal size of that grid
 * @param baseChannels channels of that grid
 * @param g1 generator filters after the first convolution (and so on)
 * @param d1 discriminator filters of the first convolution (and so on)
 */
record GanDims(
    double scale,
    int imageXy,
    int imageZ,
    int latent,
    int baseXy,
    int baseZ,
    int baseChannels,
    int g1,
    int g2,
    int g3,
    int d1,
    int d2,
    int d3) {

  /** Kernel side of the large convolutions; small ones use 3. Fixed: scale shrinks counts. */
  static final int KERNEL = 5;

  static GanDims of(double scale) {
    int xy = Math.max(4, (int) Math.ceil(51 * scale));
    int z = Math.max(4, (int) Math.ceil(25 * scale));
    return new GanDims(
        scale,
        xy,
        z,
        Math.max(8, (int) Math.round(256 * scale)),
        ceilDiv(xy, 4),
        ceilDiv(z, 4),
        filters(8, scale),
        filters(64, scale),
        filters(32, scale),
        filters(16, scale),
        filters(32, scale),
        filters(8, scale),
        filters(8, scale));
  }

  /** Side of the discriminator's grid after its two stride-2 convolutions. */
  int reducedXy() {
    return ceilDiv(ceilDiv(imageXy, 2), 2);
  }

  int reducedZ() {
    return ceilDiv(ceilDiv(imageZ, 2), 2);
  }

  private static int filters(int full, double scale) {
    return Math.max(2, (int) Math.round(full * scale));
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
