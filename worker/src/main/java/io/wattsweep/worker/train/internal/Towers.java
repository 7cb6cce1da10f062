package io.wattsweep.worker.train.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ConfigProto;

/**
 * Where data-parallel towers run: one per GPU on a GPU host, else one per logical CPU device
 * (TensorFlow splits the host into as many as the session's device count asks for).
 */
public final class Towers {

  private final List<DeviceSpec> devices;
  private final DeviceSpec.DeviceType type;

  private Towers(List<DeviceSpec> devices, DeviceSpec.DeviceType type) {
    this.devices = devices;
    this.type = type;
  }

  /**
   * {@code count} towers that TensorFlow places on the host's one CPU device: the same ops with the
   * same shapes as towers on {@code count} devices, which is what those are checked against.
   */
  public static Towers onOneDevice(int count) {
    List<DeviceSpec> devices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      devices.add(null);
    }
    return new Towers(devices, null);
  }

  /**
   * Plans {@code count} towers; with one, nothing is pinned and TensorFlow places the ops.
   *
   * @param gpus GPUs visible, at least {@code count} when there are any
   */
  static Towers plan(int count, int gpus) {
    DeviceSpec.DeviceType type = gpus > 0 ? DeviceSpec.DeviceType.GPU : DeviceSpec.DeviceType.CPU;
    List<DeviceSpec> devices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      devices.add(
          count == 1
              ? null
              : DeviceSpec.newBuilder()
                  .job("localhost")
                  .replica(0)
                  .task(0)
                  .deviceType(type)
                  .deviceIndex(i)
                  .build());
    }
    return new Towers(devices, type);
  }

  public int count() {
    return devices.size();
  }

  /** The device of tower {@code i}, or null when TensorFlow places the tower. */
  public DeviceSpec device(int i) {
    return devices.get(i);
  }

  /** Asks the session for as many logical CPU devices as there are CPU towers. */
  void configure(ConfigProto.Builder config) {
    if (type == DeviceSpec.DeviceType.CPU && count() > 1) {
      config.putDeviceCount("CPU", count());
    }
  }
}
