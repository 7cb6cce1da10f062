package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Validates a value against a CRD's structural schema as the API server treats it, and stricter on
 * one point: a field that the schema does not list is an error (the server would drop it silently),
 * unless x-kubernetes-preserve-unknown-fields or additionalProperties allows it. CEL rules
 * (x-kubernetes-validations) and formats are not evaluated.
 */
final class StructuralSchema {
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private StructuralSchema() {}

  /** Problems as (field path, message) pairs; the root's metadata is left to ObjectMeta. */
  static void validateRoot(JsonNode value, JsonNode schema, List<String[]> problems) {
    ObjectNode copy = value.deepCopy();
    copy.putObject("metadata");
    validate(copy, schema, "", true, problems);
  }

  static void validate(
      JsonNode value, JsonNode schema, String path, boolean strict, List<String[]> problems) {
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean()) {
        problems.add(new String[] {path, "null is not allowed here"});
      }
      return;
    }
    boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean();
    if (intOrString && !(value.isIntegralNumber() || value.isTextual())) {
      problems.add(new String[] {path, "must be an integer or a string, not " + value});
      return;
    }
    String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
    if (!intOrString && !type.isEmpty() && !hasType(value, type)) {
      problems.add(new String[] {path, "must be " + type + ", not " + value.getNodeType()});
      return;
    }
    if (value.isObject()) {
      object(value, schema, path, strict, problems);
    } else if (value.isArray()) {
      JsonNode items = schema.path("items");
      if (schema.has("minItems") && value.size() < schema.path("minItems").asInt()) {
        problems.add(new String[] {path, "needs at least " + schema.path("minItems") + " items"});
      }
      for (int i = 0; i < value.size() && items.isObject(); i++) {
        validate(value.get(i), items, path + "[" + i + "]", strict, problems);
      }
    } else {
      scalar(value, schema, path, problems);
    }
    if (!intOrString) {
      combinators(value, schema, path, problems);
    }
  }

  private static void object(
      JsonNode value, JsonNode schema, String path, boolean strict, List<String[]> problems) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    value
        .fields()
        .forEachRemaining(
            e -> {
              String field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
              if (properties.has(e.getKey())) {
                validate(e.getValue(), properties.get(e.getKey()), field, strict, problems);
              } else if (additional.isObject()) {
                validate(e.getValue(), additional, field, strict, problems);
              } else if (strict && !preserve && !additional.asBoolean(false)) {
                problems.add(new String[] {field, "unknown field (not in the CRD's schema)"});
              }
            });
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        problems.add(
            new String[] {
              path.isEmpty() ? required.asText() : path + "." + required.asText(),
              "required by the CRD's schema and missing"
            });
      }
    }
  }

  private static void scalar(
      JsonNode value, JsonNode schema, String path, List<String[]> problems) {
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.path("enum")) {
        found |= e.asText().equals(value.asText());
      }
      if (!found) {
        problems.add(
            new String[] {path, "'" + value.asText() + "' is not one of " + schema.path("enum")});
      }
    }
    if (value.isTextual() && schema.has("pattern")) {
      Pattern p = PATTERNS.computeIfAbsent(schema.path("pattern").asText(), Pattern::compile);
      if (!p.matcher(value.asText()).find()) {
        problems.add(
            new String[] {
              path, "'" + value.asText() + "' does not match " + schema.path("pattern").asText()
            });
      }
    }
    if (value.isTextual()
        && schema.has("minLength")
        && value.asText().length() < schema.path("minLength").asInt()) {
      problems.add(new String[] {path, "shorter than " + schema.path("minLength")});
    }
    if (value.isNumber()
        && schema.has("minimum")
        && value.asDouble() < schema.path("minimum").asDouble()) {
      problems.add(new String[] {path, value + " is below the minimum " + schema.path("minimum")});
    }
    if (value.isNumber()
        && schema.has("maximum")
        && value.asDouble() > schema.path("maximum").asDouble()) {
      problems.add(new String[] {path, value + " is above the maximum " + schema.path("maximum")});
    }
  }

  // anyOf/oneOf/allOf constrain values (each branch's listed properties do not widen the object).
  private static void combinators(
      JsonNode value, JsonNode schema, String path, List<String[]> problems) {
    for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
      JsonNode branches = schema.path(combinator);
      if (!branches.isArray()) {
        continue;
      }
      int matching = 0;
      for (JsonNode branch : branches) {
        var branchProblems = new ArrayList<String[]>();
        validate(value, branch, path, false, branchProblems);
        matching += branchProblems.isEmpty() ? 1 : 0;
      }
      boolean ok =
          switch (combinator) {
            case "anyOf" -> matching >= 1;
            case "oneOf" -> matching == 1;
            default -> matching == branches.size();
          };
      if (!ok) {
        problems.add(
            new String[] {
              path,
              "matches "
                  + matching
                  + " of the "
                  + branches.size()
                  + " "
                  + combinator
                  + " alternatives"
            });
      }
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }
}
