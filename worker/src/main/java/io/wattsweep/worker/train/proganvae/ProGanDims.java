package io.wattsweep.worker.train.proganvae;

/**
 * Sizes of the VAE-ProGAN at a scale. At 1 the tile is 128 x 128 (its 2 x 2 context 256 x 256) of
 * one channel, as the study trained it, each neighbour is encoded to 4 x 4 x 128 = 2048 values, and
 * feature maps follow ProGAN's schedule (Karras et al. 2018: min(512, 16384 / resolution), i.e. 512
 * up to 32 x 32, then 256, 128, 64). A smaller scale multiplies every channel count by the scale
 * and shrinks the tile to the largest power of two at most 128 x sqrt(scale) (0.25: 64, 0.125: 32),
 * so a CPU steps it quickly.
 *
 * @param tile side of the generated tile
 * @param encoding channels of each neighbour's 4 x 4 encoding (128 at scale 1)
 */
record ProGanDims(double scale, int tile, int encoding) {

  /** ProGAN starts every network's growth at 4 x 4. */
  static final int BASE = 4;

  /** Channels of an image: one, as the study's tiles. */
  static final int IMAGE_CHANNELS = 1;

  static final int FULL_TILE = 128;
  private static final int MIN_TILE = 8;
  private static final int FULL_ENCODING = 128;
  private static final int MIN_CHANNELS = 4;

  static ProGanDims of(double scale) {
    int tile = MIN_TILE;
    while (tile * 2 <= FULL_TILE * Math.sqrt(scale) + 1e-9) {
      tile *= 2;
    }
    return new ProGanDims(scale, tile, Math.max(1, (int) Math.round(FULL_ENCODING * scale)));
  }

  /** Feature maps at a resolution: ProGAN's schedule times the scale. */
  int channels(int resolution) {
    int full = Math.min(512, 16384 / resolution);
    return Math.max(MIN_CHANNELS, (int) Math.round(full * scale));
  }

  /** Side of the 2 x 2 context the global discriminator judges. */
  int context() {
    return 2 * tile;
  }

  /** The generator's input channels: noise plus the three neighbours' encodings, as many each. */
  int generatorInput() {
    return 4 * encoding;
  }

  /**
   * Output channels of the encoder's stride-2 convolution at {@code resolution}: ASSUMED widths
   * (the study's were not found), doubling from 64 at half the tile up to 512, times the scale.
   */
  int encoderChannels(int resolution) {
    int full = Math.min(512, 64 * (tile / 2) / resolution);
    return Math.max(MIN_CHANNELS, (int) Math.round(full * scale));
  }

  /** Values per encoded neighbour (2048 at scale 1). */
  int encodingValues() {
    return BASE * BASE * encoding;
  }
}
