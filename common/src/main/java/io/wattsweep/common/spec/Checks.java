package io.wattsweep.common.spec;

import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Argument checks whose messages name the field and the value ("batchSize must be >= 1: 0"). */
public final class Checks {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private Checks() {}

  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ": " + value);
    }
    return value;
  }

  /** {@code value} in [min, max]; the message names the bound it broke. */
  public static int between(String field, int value, int min, int max) {
    return (int) between(field, (long) value, min, max);
  }

  /** {@code value} in [min, max]; the message names the bound it broke. */
  public static long between(String field, long value, long min, long max) {
    atLeast(field, value, min);
    if (value > max) {
      throw new IllegalArgumentException(field + " must be <= " + max + ": " + value);
    }
    return value;
  }

  /**
   * Text shown to people (a sweep's name): at most {@code maxLength} characters, none of them a
   * control character or an invisible format character (a bidirectional override such as U+202E).
   */
  public static String printable(String field, String value, int maxLength) {
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(
          field + " must be at most " + maxLength + " characters: " + value.length());
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      int type = Character.getType(cp);
      if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE) {
        throw new IllegalArgumentException(
            String.format(
                "%s must not hold control or format characters: U+%04X at %d", field, cp, i));
      }
      i += Character.charCount(cp);
    }
    return value;
  }

  public static long atLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ": " + value);
    }
    return value;
  }

  public static String notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank: " + quote(value));
    }
    return value;
  }

  /** Lower-case names that end up in topic names and ids. */
  public static String name(String field, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be 1-63 characters of a-z, 0-9 and '-': " + quote(value));
    }
    return value;
  }

  public static <T> List<T> axis(String field, List<T> values) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(field + " must list at least one value: " + values);
    }
    var seen = new HashSet<T>();
    for (T v : values) {
      if (!seen.add(v)) {
        throw new IllegalArgumentException(field + " lists a value twice: " + v);
      }
    }
    return List.copyOf(values);
  }

  /** A value quoted for an error message, its first 200 characters where it is longer. */
  public static String quote(Object value) {
    return value == null ? "null" : "'" + shortened(String.valueOf(value)) + "'";
  }

  /** At most 200 characters of {@code text}, saying how long it was where it is longer. */
  public static String shortened(String text) {
    return text.length() <= 200
        ? text
        : text.substring(0, 200) + "... (" + text.length() + " characters)";
  }
}
