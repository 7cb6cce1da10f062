package io.wattsweep.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Typed reads of environment variables; a bad value is an error naming the variable. */
public final class Env {
  private final Map<String, String> env;

  public Env(Map<String, String> env) {
    this.env = env;
  }

  public String string(String key, String dflt) {
    String v = env.get(key);
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  public int integer(String key, int dflt) {
    String v = string(key, null);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer: '" + v + "'");
    }
  }

  /** "true" or "false", in any case. */
  public boolean bool(String key, boolean dflt) {
    String v = string(key, null);
    if (v == null) {
      return dflt;
    }
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException(key + " must be true or false: '" + v + "'");
  }

  public double number(String key, double dflt) {
    String v = string(key, null);
    if (v == null) {
      return dflt;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number: '" + v + "'");
    }
  }

  public List<String> list(String key, List<String> dflt) {
    String v = string(key, null);
    return v == null
        ? dflt
        : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * A secret: {@code key}'s value, or the text of the file that {@code key_FILE} names (a mounted
   * Kubernetes secret; one trailing line break dropped); null when neither is set. Errors name the
   * variables, never the value.
   */
  public String secret(String key) {
    String value = env.get(key);
    String file = string(key + "_FILE", null);
    boolean hasValue = value != null && !value.isEmpty();
    if (hasValue && file != null) {
      throw new IllegalArgumentException("set " + key + " or " + key + "_FILE, not both");
    }
    if (file == null) {
      return hasValue ? value : null;
    }
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      text =
          text.endsWith("\r\n")
              ? text.substring(0, text.length() - 2)
              : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      if (text.isEmpty()) {
        throw new IllegalArgumentException(key + "_FILE names an empty file: '" + file + "'");
      }
      return text;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          key + "_FILE cannot be read: '" + file + "' (" + e.getClass().getSimpleName() + ")");
    }
  }
}
