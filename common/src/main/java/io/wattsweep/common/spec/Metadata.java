package io.wattsweep.common.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A sweep's free-form metadata (a project, a dataset version, a ticket): text under keys the user
 * chooses, kept apart from the catalog's fixed taxonomy, and copied into the provenance of every
 * model version the sweep produces.
 */
public final class Metadata {
  public static final int MAX_ENTRIES = 50;
  public static final int MAX_VALUE_LENGTH = 1_000;

  /** The catalog's column for a sweep's metadata as JSON, escapes counted. */
  public static final int MAX_JSON_LENGTH = 100_000;

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}");

  private Metadata() {}

  /** An unmodifiable copy in the given order; null is empty. */
  public static Map<String, String> check(Map<String, String> metadata) {
    if (metadata == null) {
      return Map.of();
    }
    if (metadata.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "metadata must hold at most " + MAX_ENTRIES + " entries: " + metadata.size());
    }
    var out = new LinkedHashMap<String, String>();
    metadata.forEach(
        (key, value) -> {
          if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException(
                "metadata keys must be 1-64 characters of letters,"
                    + " digits and _ . : / - (not first): "
                    + Checks.quote(key));
          }
          if (value == null) {
            throw new IllegalArgumentException("metadata." + key + " must be set: null");
          }
          if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException(
                "metadata."
                    + key
                    + " must be at most "
                    + MAX_VALUE_LENGTH
                    + " characters: "
                    + value.length());
          }
          out.put(key, value);
        });
    int json = SweepParser.jsonLength(out);
    if (json > MAX_JSON_LENGTH) {
      throw new IllegalArgumentException(
          "metadata must be at most "
              + MAX_JSON_LENGTH
              + " characters as JSON, escapes counted: "
              + json);
    }
    return Collections.unmodifiableMap(out);
  }
}
