package io.wattsweep.worker.train.proganvae;

/**
 * One row of a layer table: a square SAME convolution (stride 1, or 2 to halve its input) at an
 * output resolution, or a dense layer. The table both builds a network's variables and counts its
 * parameters and multiply-adds, so the reported numbers are those of the graph that trains.
 *
 * @param name the variables' scope, e.g. "64x64_conv0"
 * @param kernel the kernel side; 0 for a dense layer
 * @param in input channels (or features, dense)
 * @param out output channels (or features, dense)
 * @param resolution side of the output grid; 1 for a dense layer
 * @param stride of a convolution: 1, or 2 for one that halves its input's side
 * @param linear no activation after it and gain 1 (output layers); else LeakyReLU and gain sqrt 2
 */
record LayerSpec(
    String name, int kernel, int in, int out, int resolution, int stride, boolean linear) {

  static LayerSpec conv(String name, int kernel, int in, int out, int resolution) {
    return new LayerSpec(name, kernel, in, out, resolution, 1, false);
  }

  /** A convolution of stride 2: its input's side is twice {@code resolution}. */
  static LayerSpec strided(String name, int kernel, int in, int out, int resolution) {
    return new LayerSpec(name, kernel, in, out, resolution, 2, false);
  }

  static LayerSpec dense(String name, int in, int out) {
    return new LayerSpec(name, 0, in, out, 1, 1, false);
  }

  /** The same layer without activation, as an output. */
  LayerSpec asLinear() {
    return new LayerSpec(name, kernel, in, out, resolution, stride, true);
  }

  boolean isDense() {
    return kernel == 0;
  }

  /** Inputs that each output sums over: the He constant's fan-in. */
  long fanIn() {
    return isDense() ? in : (long) kernel * kernel * in;
  }

  /** The weight's shape: (k, k, in, out) for a convolution, (in, out) for a dense layer. */
  long[] weightShape() {
    return isDense() ? new long[] {in, out} : new long[] {kernel, kernel, in, out};
  }

  /** Weights and biases. */
  long parameters() {
    return fanIn() * out + out;
  }

  /** Multiply-adds of a forward pass for one sample: output cells x fan-in x outputs. */
  long macsPerSample() {
    return (long) resolution * resolution * fanIn() * out;
  }
}
