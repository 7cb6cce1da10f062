package io.wattsweep.worker.meter.nvml;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code nvmlFieldValue_t} from nvml.h, 40 bytes with natural alignment:
 *
 * <pre>
 *  0 unsigned int fieldId      4 unsigned int scopeId
 *  8 long long timestamp      16 long long latencyUsec
 * 24 nvmlValueType_t valueType 28 nvmlReturn_t nvmlReturn
 * 32 nvmlValue_t value (an 8-byte union)
 * </pre>
 *
 * The union is kept as its raw 8 bytes in {@link #value} and decoded by {@link #valueType}, so JNA
 * needs no union mapping; the decoding reads the low bytes first, as on x86-64 and arm64.
 */
@FieldOrder({"fieldId", "scopeId", "timestamp", "latencyUsec", "valueType", "nvmlReturn", "value"})
public class NvmlFieldValue extends Structure {
  public static final int VALUE_TYPE_DOUBLE = 0;
  public static final int VALUE_TYPE_UNSIGNED_INT = 1;
  public static final int VALUE_TYPE_UNSIGNED_LONG = 2;
  public static final int VALUE_TYPE_UNSIGNED_LONG_LONG = 3;
  public static final int VALUE_TYPE_SIGNED_LONG_LONG = 4;
  public static final int VALUE_TYPE_SIGNED_INT = 5;
  public static final int VALUE_TYPE_UNSIGNED_SHORT = 6;

  public int fieldId;
  public int scopeId;
  public long timestamp;
  public long latencyUsec;
  public int valueType;
  public int nvmlReturn;
  public long value;

  public NvmlFieldValue() {}

  /**
   * The value as a double, read by its type.
   *
   * @throws IllegalStateException if NVML reported a value type this code does not know
   */
  public double asDouble() {
    switch (valueType) {
      case VALUE_TYPE_DOUBLE:
        return Double.longBitsToDouble(value);
      case VALUE_TYPE_UNSIGNED_INT:
        return value & 0xffff_ffffL;
      case VALUE_TYPE_UNSIGNED_LONG:
      case VALUE_TYPE_UNSIGNED_LONG_LONG:
        return value >= 0 ? value : value + 0x1p64;
      case VALUE_TYPE_SIGNED_LONG_LONG:
        return value;
      case VALUE_TYPE_SIGNED_INT:
        return (int) value;
      case VALUE_TYPE_UNSIGNED_SHORT:
        return value & 0xffffL;
      default:
        throw new IllegalStateException(
            "NVML field " + fieldId + " has an unknown value type: " + valueType);
    }
  }
}
