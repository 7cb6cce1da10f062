package io.wattsweep.common.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a sweep, a job or a query may name as its model: a {@link BuiltInModel} by its wire name, or
 * a command workload configured on the workers, as {@code command:NAME} ({@link CommandName}).
 */
public final class ModelName {
  private ModelName() {}

  /**
   * Checks a model name: a built-in model or {@code command:NAME}.
   *
   * @return the value, unchanged
   * @throws IllegalArgumentException naming the field, the value and what is accepted
   */
  public static String check(String field, String value) {
    if (CommandName.isCommand(value)) {
      CommandName.of(field, value);
      return value;
    }
    if (BuiltInModel.find(value).isPresent()) {
      return value;
    }
    throw new IllegalArgumentException(
        field
            + " must be one of "
            + known()
            + ", or "
            + CommandName.PREFIX
            + "NAME for a command workload configured on the workers: "
            + Checks.quote(value));
  }

  /**
   * A built-in model by its wire name.
   *
   * @throws IllegalArgumentException naming the field, the value and the known names
   */
  public static BuiltInModel parse(String field, String value) {
    return BuiltInModel.find(value)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    field + " must be one of " + known() + ": " + Checks.quote(value)));
  }

  private static String known() {
    return Arrays.stream(BuiltInModel.values())
        .map(BuiltInModel::wireName)
        .collect(Collectors.joining(", "));
  }
}
