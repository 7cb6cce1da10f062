package io.wattsweep.common.event;

/**
 * One device a run trains on, as its meter sees it.
 *
 * @param kind "gpu" or "cpu"
 * @param powerLimitWatts enforced power limit (GPU) or TDP (CPU); 0 where unknown
 */
public record DeviceInfo(
    int index,
    String kind,
    String uuid,
    String name,
    String architecture,
    double powerLimitWatts,
    String driver) {
  public DeviceInfo {
    if (index < 0) {
      throw new IllegalArgumentException("device index must be >= 0: " + index);
    }
    if (!"gpu".equals(kind) && !"cpu".equals(kind)) {
      throw new IllegalArgumentException("device kind must be gpu or cpu: " + kind);
    }
  }
}
