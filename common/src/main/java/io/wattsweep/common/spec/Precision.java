package io.wattsweep.common.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Numeric precision of a training run, as named in sweeps, events and the catalog. */
public enum Precision {
  FP32("fp32"),
  TF32("tf32"),
  MIXED_FP16("mixed-fp16"),
  BF16("bf16");

  private final String wireName;

  Precision(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in sweep files, JSON and the catalog. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; the error names the accepted values. */
  public static Precision parse(String field, String value) {
    for (Precision p : values()) {
      if (p.wireName.equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        field + " must be one of " + names() + ": " + (value == null ? "null" : "'" + value + "'"));
  }

  @JsonCreator
  static Precision fromWire(String value) {
    return parse("precision", value);
  }

  static String names() {
    return Arrays.stream(values()).map(Precision::wireName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
