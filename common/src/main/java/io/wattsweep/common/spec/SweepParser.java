package io.wattsweep.common.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattsweep.common.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a sweep from JSON or YAML. Every problem becomes an {@link IllegalArgumentException} whose
 * message names the field and the value, so that the API can answer 400 with it.
 */
public final class SweepParser {
  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "model",
          "scale",
          "gpuClass",
          "precision",
          "batchSize",
          "gpus",
          "warmupBatches",
          "maxWarmupBatches",
          "measuredBatches",
          "maxMeasuredBatches",
          "targetCiShare",
          "fullTraining",
          "metadata",
          "dataset",
          "batchSemantics");

  private static final String COMMAND_HINT =
      "; a sweep names a command workload by name only,"
          + " as model: "
          + CommandName.PREFIX
          + "NAME, from those configured on the workers";

  private SweepParser() {}

  /** Characters of {@code value} written as JSON, escapes counted, as the catalog stores it. */
  static int jsonLength(Object value) {
    return Json.toJson(value).length();
  }

  /** Parses YAML (a superset of JSON) or JSON; {@code yaml} picks the reader. */
  public static SweepSpec parse(String text, boolean yaml) {
    JsonNode root;
    try {
      root = (yaml ? Json.STRICT_YAML : Json.STRICT).readTree(text == null ? "" : text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "body is not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      boolean empty = root == null || root.isMissingNode() || root.isNull();
      throw new IllegalArgumentException(
          "body must be an object with the sweep's fields: " + (empty ? "empty" : shown(root)));
    }
    var obj = (ObjectNode) root;
    obj.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(
                    "unknown field '"
                        + shown(f)
                        + "': "
                        + shown(obj.get(f))
                        + "; known: "
                        + FIELDS
                        + (f.equals("command") ? COMMAND_HINT : ""));
              }
            });
    String model = text(obj, "model", true);
    // Checked before the maximums that default to them, so that an error names the minimum.
    int warmup =
        Checks.between(
            "warmupBatches",
            integer(obj, "warmupBatches", SweepSpec.DEFAULT_WARMUP_BATCHES),
            0,
            SweepSpec.MAX_WARMUP_BATCHES);
    int measured =
        Checks.between(
            "measuredBatches",
            integer(obj, "measuredBatches", SweepSpec.DEFAULT_MEASURED_BATCHES),
            1,
            SweepSpec.MAX_MEASURED_BATCHES);
    // A command workload runs the counts it is told: by default, warm-up is fixed for it.
    int maxWarmup =
        integer(
            obj,
            "maxWarmupBatches",
            CommandName.isCommand(model)
                ? warmup
                : Math.max(warmup, SweepSpec.DEFAULT_MAX_WARMUP_BATCHES));
    var stopping =
        new StoppingRules(
            maxWarmup,
            integer(obj, "maxMeasuredBatches", measured),
            number(obj, "targetCiShare", StoppingRules.DEFAULT_TARGET_CI_SHARE));
    return new SweepSpec(
        text(obj, "name", false),
        model,
        number(obj, "scale", 1.0),
        list(obj, "gpuClass", n -> textValue("gpuClass", n)),
        list(obj, "precision", n -> Precision.parse("precision", textValue("precision", n))),
        list(obj, "batchSize", n -> intValue("batchSize", n)),
        list(obj, "gpus", n -> intValue("gpus", n)),
        warmup,
        measured,
        fullTraining(obj.get("fullTraining")),
        metadata(obj.get("metadata")),
        stopping,
        text(obj, "dataset", false),
        batchSemantics(obj));
  }

  /** Absent: per GPU, the study's convention. */
  private static BatchSemantics batchSemantics(ObjectNode obj) {
    String value = text(obj, "batchSemantics", false);
    return value == null ? null : BatchSemantics.parse("batchSemantics", value);
  }

  /** Free-form text under the user's keys; numbers and booleans are kept as their text. */
  private static Map<String, String> metadata(JsonNode n) {
    if (n == null || n.isNull()) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException("metadata must be an object of key: value: " + shown(n));
    }
    var out = new LinkedHashMap<String, String>();
    n.fields()
        .forEachRemaining(
            e -> {
              JsonNode v = e.getValue();
              if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
                throw new IllegalArgumentException(
                    "metadata."
                        + shown(e.getKey())
                        + " must be a string, number or boolean: "
                        + shown(v));
              }
              out.put(e.getKey(), v.asText());
            });
    return out;
  }

  private static FullTraining fullTraining(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(
          "fullTraining must be an object {datasetSize, epochs}: " + shown(n));
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("datasetSize") && !f.equals("epochs")) {
        throw new IllegalArgumentException(
            "unknown field 'fullTraining." + f + "'; known: [datasetSize, epochs]");
      }
    }
    JsonNode size = n.get("datasetSize");
    JsonNode epochs = n.get("epochs");
    if (size == null || epochs == null) {
      throw new IllegalArgumentException("fullTraining needs datasetSize and epochs: " + shown(n));
    }
    if (!size.canConvertToLong() || !size.isIntegralNumber()) {
      throw new IllegalArgumentException(
          "fullTraining.datasetSize must be an integer: " + shown(size));
    }
    return new FullTraining(size.asLong(), intValue("fullTraining.epochs", epochs));
  }

  private static String text(ObjectNode obj, String field, boolean required) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new IllegalArgumentException(field + " is required: missing");
      }
      return null;
    }
    return textValue(field, n);
  }

  private static String textValue(String field, JsonNode n) {
    if (!n.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string: " + shown(n));
    }
    return n.asText();
  }

  private static double number(ObjectNode obj, String field, double dflt) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number: " + shown(n));
    }
    return n.asDouble();
  }

  private static int integer(ObjectNode obj, String field, int dflt) {
    JsonNode n = obj.get(field);
    return n == null || n.isNull() ? dflt : intValue(field, n);
  }

  private static int intValue(String field, JsonNode n) {
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new IllegalArgumentException(field + " must be an integer: " + shown(n));
    }
    return n.asInt();
  }

  /** A value of the body as an error message shows it: its first 200 characters. */
  private static String shown(Object value) {
    return Checks.shortened(String.valueOf(value));
  }

  /** An axis: a list of values, or a single value taken as a list of one. */
  private static <T> List<T> list(ObjectNode obj, String field, Function<JsonNode, T> item) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException(field + " is required: missing");
    }
    var out = new ArrayList<T>();
    if (n.isArray()) {
      n.forEach(e -> out.add(item.apply(e)));
    } else {
      out.add(item.apply(n));
    }
    return out;
  }
}
