package io.wattsweep.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The JSON (and YAML) mappers of every module, configured once. Each constant is shared: use it as
 * it is, never reconfigure it. Where a reader needs other rules, they are a constant here that says
 * why.
 */
public final class Json {
  /** Jackson's defaults: what the API answers, the catalog stores and files hold. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  /** Reads another service's answer: a field it does not know is a newer coordinator's. */
  public static final ObjectMapper TOLERANT =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Reads and writes Kafka payloads: an unknown field is a newer writer's, but a missing one is not
   * silently 0 or null.
   */
  public static final ObjectMapper WIRE =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Reads what a person wrote as JSON (a sweep): see {@link #strict}. */
  public static final ObjectMapper STRICT = strict(new ObjectMapper());

  /** Reads what a person wrote as YAML (a sweep): see {@link #strict}. */
  public static final ObjectMapper STRICT_YAML = strict(new ObjectMapper(new YAMLFactory()));

  /**
   * Reads a worker's commands file: a key given twice is refused, but a second YAML document is
   * ignored, as it always was, so that no file that workers read today stops them starting.
   */
  public static final ObjectMapper COMMANDS_YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private Json() {}

  /** {@code value} as JSON text, for values that always write: records, maps, lists. */
  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
    }
  }

  /** A key given twice, or text after the document, is a mistake to report, not to guess around. */
  private static ObjectMapper strict(ObjectMapper m) {
    return m.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }
}
