package io.wattsweep.common.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The built-in models a sweep may name, with what a full training of each means by default. Set
 * {@code fullTraining} in the sweep to extrapolate to another training. A sweep may also name a
 * command workload configured on the workers, as {@code command:NAME} ({@link CommandName}); see
 * {@link #check}.
 */
public enum ModelName {
  /**
   * The 3DGAN: the paper's 400k events with a 90/10 split, so 360k training events, for 30 epochs
   * ("tens of epochs").
   */
  GAN_3D("3dgan", new FullTraining(360_000, 30)),

  /**
   * The VAE-ProGAN. ASSUMPTION, a placeholder: the paper's training-set size and epoch count were
   * not found. The default is the image count of ProGAN's own schedule to 128x128 (Karras et al.
   * 2018: 600k images in each fade-in and each stable phase, 4x4 stable plus five doublings, 6.6M
   * images), expressed as one pass over 6.6M samples. Every sample is priced at the fully grown
   * step, so the extrapolation is an upper bound for that schedule.
   */
  VAE_PROGAN("vae-progan", new FullTraining(6_600_000, 1));

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

  /**
   * Checks what a sweep, a job or a query may name as its model: a built-in model or {@code
   * command:NAME}.
   *
   * @return the value, unchanged
   * @throws IllegalArgumentException naming the field, the value and what is accepted
   */
  public static String check(String field, String value) {
    if (CommandName.isCommand(value)) {
      CommandName.of(field, value);
      return value;
    }
    for (ModelName m : values()) {
      if (m.wireName.equals(value)) {
        return value;
      }
    }
    throw new IllegalArgumentException(field + " must be one of " + known() + ", or "
        + CommandName.PREFIX + "NAME for a command workload configured on the workers: "
        + Checks.quote(value));
  }

  /** A built-in model by its wire name. */
  public static ModelName parse(String field, String value) {
    for (ModelName m : values()) {
      if (m.wireName.equals(value)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        field + " must be one of " + known() + ": " + Checks.quote(value));
  }

  private static String known() {
    return Arrays.stream(values()).map(ModelName::wireName).collect(Collectors.joining(", "));
  }
}
