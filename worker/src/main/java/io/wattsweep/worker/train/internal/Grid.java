package io.wattsweep.worker.train.internal;

/**
 * The static shape of one sample's 3D activations: cells along x, y and z, and channels (NDHWC
 * without the batch). The 3DGAN's layers derive their shapes, parameters and multiply-adds from it.
 */
public record Grid(int x, int y, int z, int channels) {

  public Grid {
    if (x < 1 || y < 1 || z < 1 || channels < 1) {
      throw new IllegalArgumentException("grid must be positive in every axis: " + this);
    }
  }

  public long cells() {
    return (long) x * y * z;
  }

  public long size() {
    return cells() * channels;
  }

  Grid withChannels(int c) {
    return new Grid(x, y, z, c);
  }

  /** After zero padding of {@code p[i]} cells on both sides of axis i. */
  Grid padded(int[] p) {
    return new Grid(x + 2 * p[0], y + 2 * p[1], z + 2 * p[2], channels);
  }

  /** After a VALID convolution of kernel {@code k} (x, y, z) with {@code out} filters. */
  Grid convolved(int[] k, int out) {
    return new Grid(x - k[0] + 1, y - k[1] + 1, z - k[2] + 1, out);
  }

  public Grid upsampled(int factor) {
    return new Grid(x * factor, y * factor, z * factor, channels);
  }

  /** After non-overlapping average pooling: sides divided by {@code factor}, rounded down. */
  public Grid pooled(int factor) {
    return new Grid(x / factor, y / factor, z / factor, channels);
  }

  /** (-1, x, y, z, channels): the batch left to TensorFlow. */
  public int[] batchShape() {
    return new int[] {-1, x, y, z, channels};
  }

  /** (batch, x, y, z, channels). */
  public long[] batchShape(long batch) {
    return new long[] {batch, x, y, z, channels};
  }
}
