package io.wattsweep.worker.train.internal;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/** How many GPUs TensorFlow sees in this process; zero with the CPU-only native library. */
final class HostDevices {

  private static final int MAX_GPUS = 64;
  private static Integer gpus;

  private HostDevices() {}

  static synchronized int gpuCount() {
    if (gpus == null) {
      int n = 0;
      while (n < MAX_GPUS && canPlaceOn(n)) {
        n++;
      }
      gpus = n;
    }
    return gpus;
  }

  /**
   * TensorFlow Java has no device listing, so pin a constant to GPU i with soft placement off and
   * see whether the run succeeds.
   */
  private static boolean canPlaceOn(int index) {
    DeviceSpec gpu =
        DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(index).build();
    ConfigProto config = ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g).withDevice(gpu);
      var probe = tf.identity(tf.constant(1f));
      try (Session s = new Session(g, config);
          Result placed = s.runner().fetch(probe).run()) {
        return placed.size() == 1;
      } catch (TFInvalidArgumentException noSuchDevice) {
        return false;
      }
    }
  }
}
