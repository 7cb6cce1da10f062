package io.wattsweep.common.spec;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The built-in models a sweep may name, with what a full training of each means by default, where
 * that is known. Set {@code fullTraining} in the sweep to extrapolate to another training. A sweep
 * may also name a command workload configured on the workers, as {@code command:NAME} ({@link
 * CommandName}); see {@link #check}.
 */
public enum ModelName {
  /**
   * The 3DGAN as the study trained it: 124,987 showers an epoch, counted as its training loop
   * counts steps ({@code steps_per_epoch = 124987 // batch}), for 60 epochs.
   */
  GAN_3D(
      "3dgan",
      new FullTraining(124_987, 60),
      "the study's training: 124,987 showers an epoch (steps_per_epoch = 124987 // batch), 60"
          + " epochs"),

  /**
   * The VAE-ProGAN: no default. The study's code counts training in thousands of images shown
   * (total_kimg, 12,000 by default, each minibatch repeated 4 times), not in epochs, and which
   * schedule its 778.9 MJ extrapolation used is not established.
   */
  VAE_PROGAN(
      "vae-progan",
      null,
      "none known: the study's code counts training in thousands of images shown (total_kimg,"
          + " 12,000 by default, each minibatch repeated 4 times), and whether the poster's"
          + " 778.9 MJ used that schedule is not established; give fullTraining in the sweep to"
          + " extrapolate");

  private final String wireName;
  private final FullTraining defaultFullTraining;
  private final String fullTrainingSource;

  ModelName(String wireName, FullTraining defaultFullTraining, String fullTrainingSource) {
    this.wireName = wireName;
    this.defaultFullTraining = defaultFullTraining;
    this.fullTrainingSource = fullTrainingSource;
  }

  public String wireName() {
    return wireName;
  }

  /** What a full training means when the sweep names none; empty where it is not known. */
  public Optional<FullTraining> defaultFullTraining() {
    return Optional.ofNullable(defaultFullTraining);
  }

  /** Where {@link #defaultFullTraining()} comes from, or why there is none. */
  public String fullTrainingSource() {
    return fullTrainingSource;
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
