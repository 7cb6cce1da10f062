package io.wattsweep.common.spec;

import java.util.regex.Pattern;

/**
 * A workload that a worker's operator configured as a command, named in a sweep's {@code model} as
 * {@code command:NAME}. A sweep carries the name only, never a command line: the worker looks the
 * name up in its own commands file ({@code WATTSWEEP_COMMANDS_FILE}), so that submitting a sweep
 * cannot run arbitrary code on the GPU nodes.
 */
public final class CommandName {
  /** What a sweep's model starts with to name a command workload. */
  public static final String PREFIX = "command:";

  /** Names are plain words: nothing a shell, a path or a topic name would read specially. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private CommandName() {}

  /** Whether a model names a command workload ({@code command:NAME}). */
  public static boolean isCommand(String model) {
    return model != null && model.startsWith(PREFIX);
  }

  /**
   * The NAME of a {@code command:NAME} model.
   *
   * @throws IllegalArgumentException naming the field and the value where NAME is not a name
   */
  public static String of(String field, String model) {
    if (!isCommand(model)) {
      throw new IllegalArgumentException(
          field + " must be " + PREFIX + "NAME: " + Checks.quote(model));
    }
    check(field, model.substring(PREFIX.length()), model);
    return model.substring(PREFIX.length());
  }

  /**
   * Checks a bare workload name, as the commands file and the worker use it.
   *
   * @throws IllegalArgumentException naming the field and the value
   */
  public static String check(String field, String name) {
    check(field, name, name);
    return name;
  }

  private static void check(String field, String name, Object shown) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          field
              + " must name a command workload by a name of"
              + " 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
              + " (a sweep never carries a command line): "
              + Checks.quote(shown));
    }
  }
}
