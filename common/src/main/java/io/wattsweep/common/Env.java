package io.wattsweep.common;

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
}
