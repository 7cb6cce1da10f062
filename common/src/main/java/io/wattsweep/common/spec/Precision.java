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

  private static final String EMULATED = " emulated: ";

  private final String wireName;

  Precision(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in sweep files, JSON and the catalog. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /**
   * A run's precision note saying this precision ran without the hardware's support, e.g. "bf16
   * emulated: this CPU has no bf16 instructions ...": the words every table, CSV and report shows.
   */
  public String emulated(String why) {
    return wireName + EMULATED + why;
  }

  /** Whether a run's precision note says this precision was emulated ({@link #emulated}). */
  public boolean emulatedIn(String note) {
    return note != null && note.startsWith(wireName + EMULATED);
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
