package io.wattsweep.common.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The models a sweep may name, with what a full training of each means by default. The defaults
 * follow the 3DGAN paper (400k events, 90/10 split); set {@code fullTraining} in the sweep to
 * extrapolate to another training.
 */
public enum ModelName {
  GAN_3D("3dgan", new FullTraining(360_000, 30));

  private final String wireName;
  private final FullTraining defaultFullTraining;

  ModelName(String wireName, FullTraining defaultFullTraining) {
    this.wireName = wireName;
    this.defaultFullTraining = defaultFullTraining;
  }

  public String wireName() {
    return wireName;
  }

  public FullTraining defaultFullTraining() {
    return defaultFullTraining;
  }

  public static ModelName parse(String field, String value) {
    for (ModelName m : values()) {
      if (m.wireName.equals(value)) {
        return m;
      }
    }
    String known = Arrays.stream(values()).map(ModelName::wireName).collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        field + " must be one of " + known + ": " + Checks.quote(value));
  }
}
