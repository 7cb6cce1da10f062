package io.wattsweep.common.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a sweep's {@code batchSize} counts. The study gives it per replica, as TF's MirroredStrategy
 * does: each GPU trains that many samples a step, so a step trains batchSize x gpus and an epoch is
 * {@code datasetSize // (batchSize x gpus)} steps. A global batch is split evenly over the GPUs
 * instead; catalog rows from before this choice existed mean that.
 */
public enum BatchSemantics {
  PER_GPU("per-gpu"),
  GLOBAL("global");

  private final String wireName;

  BatchSemantics(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in sweep files, JSON and the catalog. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The samples one step trains over all {@code gpus}. */
  public int globalBatchSize(int batchSize, int gpus) {
    return this == PER_GPU ? batchSize * gpus : batchSize;
  }

  /** The samples each GPU trains in a step; a global batch that does not split is refused. */
  public int perGpuBatchSize(int batchSize, int gpus) {
    if (this == PER_GPU) {
      return batchSize;
    }
    if (batchSize % gpus != 0) {
      throw new IllegalArgumentException(
          "batchSize "
              + batchSize
              + " must split evenly over gpus "
              + gpus
              + " (the global batch is split per GPU)");
    }
    return batchSize / gpus;
  }

  /**
   * The batch as tables and reports show it, the sweep's own number first: "64 per GPU, 256 global"
   * or "256 global, 64 per GPU".
   */
  public String describe(int batchSize, int gpus) {
    String perGpu = perGpuBatchSize(batchSize, gpus) + " per GPU";
    String global = globalBatchSize(batchSize, gpus) + " global";
    return this == PER_GPU ? perGpu + ", " + global : global + ", " + perGpu;
  }

  /** The batch in a one-line label: "b64/GPU" per GPU, "b256" global. */
  public String compact(int batchSize) {
    return "b" + batchSize + (this == PER_GPU ? "/GPU" : "");
  }

  /** Parses a wire name; the error names the field and the accepted values. */
  public static BatchSemantics parse(String field, String value) {
    for (BatchSemantics s : values()) {
      if (s.wireName.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        field
            + " must be one of "
            + Arrays.stream(values())
                .map(BatchSemantics::wireName)
                .collect(Collectors.joining(", "))
            + ": "
            + Checks.quote(value));
  }

  @JsonCreator
  static BatchSemantics fromWire(String value) {
    return parse("batchSemantics", value);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
