package io.wattsweep.coordinator.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Number formats, escaping and the method descriptions that every output of a report shares. */
final class Text {
  private Text() {}

  /** True for a figure that can be drawn or printed: present and finite. */
  static boolean finite(Double value) {
    return value != null && Double.isFinite(value);
  }

  /** {@code value} to {@code digits} significant digits, without exponent ("0.001235", "12350"). */
  static String sig(double value, int digits) {
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value)
        .round(new MathContext(digits))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** The exact decimal of a double that reads back to it, without exponent; empty when absent. */
  static String exact(Double value) {
    return finite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() : "";
  }

  static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** A duration for people: "42 ms", "3.1 s", "12.5 min", "7.2 h", "3.4 days". */
  static String duration(double seconds) {
    if (seconds < 1) {
      return sig(seconds * 1e3, 3) + " ms";
    }
    if (seconds < 120) {
      return sig(seconds, 3) + " s";
    }
    if (seconds < 7200) {
      return fixed(seconds / 60, 1) + " min";
    }
    if (seconds < 172_800) {
      return fixed(seconds / 3600, 1) + " h";
    }
    return fixed(seconds / 86_400, 1) + " days";
  }

  /** Escapes text for XML and HTML content and attribute values. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    var out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // XML 1.0 forbids most control characters, even escaped.
          if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** What an energy method means, in a sentence a reader of the report can check. */
  static String methodDescription(String method) {
    return switch (method) {
      case "nvml-energy-counter" ->
          "measured: the difference of NVML's total-energy counter at"
              + " the edges of the measured batches, summed over the job's GPUs.";
      case "nvml-instant-power" ->
          "measured: NVML's instant power integrated over the measured"
              + " batches, where the GPU has no energy counter.";
      case "rapl" ->
          "measured: the difference of the CPU's RAPL energy counter"
              + " (/sys/class/powercap) over the measured batches.";
      case "tdp-estimate" ->
          "NOT a measurement: power modelled from the processor's TDP and"
              + " its utilization, because no energy counter (NVML, RAPL) could be read.";
      default -> "a method this report does not describe.";
    };
  }
}
