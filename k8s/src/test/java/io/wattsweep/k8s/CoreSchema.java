package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.annotations.SerializedName;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' own schemas for the core kinds, as the client-java models (generated from the API
 * server's OpenAPI document) carry them: every field of a model is listed in its openapiFields, so
 * a field that is not there, at any depth, is an error, as `kubectl apply --validate=strict` would
 * say.
 */
final class CoreSchema {
  private static final String MODELS = "io.kubernetes.client.openapi.models.";

  private CoreSchema() {}

  /** The model of a core kind (V1Deployment for apps/v1 Deployment), or null. */
  static Class<?> model(String apiVersion, String kind) {
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    try {
      return Class.forName(
          MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  static Class<?> model(String simpleName) {
    try {
      return Class.forName(MODELS + simpleName);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("client-java has no model " + simpleName, e);
    }
  }

  /** Checks {@code node} against {@code model}; problems are (field path, message) pairs. */
  static void check(JsonNode node, Type model, String path, List<String[]> problems) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return;
    }
    Class<?> raw = raw(model);
    if (Collection.class.isAssignableFrom(raw)) {
      if (!node.isArray()) {
        problems.add(new String[] {path, "must be a list, not " + node.getNodeType()});
        return;
      }
      for (int i = 0; i < node.size(); i++) {
        check(node.get(i), argument(model, 0), path + "[" + i + "]", problems);
      }
    } else if (Map.class.isAssignableFrom(raw)) {
      if (!node.isObject()) {
        problems.add(new String[] {path, "must be a map, not " + node.getNodeType()});
        return;
      }
      node.fields()
          .forEachRemaining(
              e -> check(e.getValue(), argument(model, 1), path + "." + e.getKey(), problems));
    } else if (fields(raw) != null) {
      checkModel(node, raw, path, problems);
    } else {
      checkValue(node, raw, path, problems);
    }
  }

  private static void checkModel(
      JsonNode node, Class<?> model, String path, List<String[]> problems) {
    if (!node.isObject()) {
      problems.add(new String[] {path, "must be an object (" + model.getSimpleName() + ")"});
      return;
    }
    Set<String> known = fields(model);
    node.fields()
        .forEachRemaining(
            e -> {
              String field = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
              if (!known.contains(e.getKey())) {
                problems.add(
                    new String[] {
                      field, "unknown field (not in Kubernetes' " + model.getSimpleName() + ")"
                    });
              } else {
                Field f = javaField(model, e.getKey());
                if (f != null) {
                  check(e.getValue(), f.getGenericType(), field, problems);
                }
              }
            });
    for (String required : requiredFields(model)) {
      if (!node.has(required)) {
        problems.add(
            new String[] {
              path.isEmpty() ? required : path + "." + required,
              "required by Kubernetes' " + model.getSimpleName() + " and missing"
            });
      }
    }
  }

  private static void checkValue(
      JsonNode node, Class<?> type, String path, List<String[]> problems) {
    boolean ok;
    if (type == String.class
        || type == OffsetDateTime.class
        || type == byte[].class
        || type.isEnum()) {
      ok = node.isTextual();
    } else if (type == Integer.class || type == Long.class || type == int.class) {
      ok = node.isIntegralNumber();
    } else if (type == Boolean.class) {
      ok = node.isBoolean();
    } else if (type == Double.class || type == Float.class) {
      ok = node.isNumber();
    } else if (type == IntOrString.class) {
      ok = node.isIntegralNumber() || node.isTextual();
    } else if (type == Quantity.class) {
      ok = node.isNumber() || node.isTextual();
      if (ok && node.isTextual()) {
        try {
          Quantity.fromString(node.asText());
        } catch (RuntimeException e) {
          problems.add(new String[] {path, "not a quantity: '" + node.asText() + "'"});
        }
      }
    } else {
      ok = true; // Object: free-form
    }
    if (!ok) {
      problems.add(
          new String[] {
            path, "must be " + type.getSimpleName() + ", not " + node.getNodeType() + " " + node
          });
    }
  }

  @SuppressWarnings("unchecked")
  private static Set<String> fields(Class<?> model) {
    return (Set<String>) staticField(model, "openapiFields");
  }

  @SuppressWarnings("unchecked")
  private static Set<String> requiredFields(Class<?> model) {
    Object s = staticField(model, "openapiRequiredFields");
    return s == null ? Set.of() : (Set<String>) s;
  }

  private static Object staticField(Class<?> model, String name) {
    try {
      Field f = model.getField(name);
      return Modifier.isStatic(f.getModifiers()) ? f.get(null) : null;
    } catch (NoSuchFieldException | IllegalAccessException e) {
      return null;
    }
  }

  private static Field javaField(Class<?> model, String jsonName) {
    for (Class<?> c = model; c != null; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        SerializedName n = f.getAnnotation(SerializedName.class);
        if (n != null && n.value().equals(jsonName)) {
          return f;
        }
      }
    }
    return null;
  }

  private static Class<?> raw(Type t) {
    return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
  }

  private static Type argument(Type t, int i) {
    return t instanceof ParameterizedType p ? p.getActualTypeArguments()[i] : Object.class;
  }
}
