package io.wattsweep.common.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The wire format of every Kafka payload: JSON with a version field {@code "v"}. A reader refuses a
 * version it does not know rather than guess. Every field must be present, except those listed in
 * {@link #ADDED_FIELDS}: optional fields added to version 1 later, which read as null when an older
 * writer left them out.
 */
public final class EventCodec {
  /** The version this build writes and reads. */
  public static final int VERSION = 1;

  /** By event type: the fields added to version 1 after its first release. */
  static final Map<String, List<String>> ADDED_FIELDS =
      Map.of(
          "run-started",
          List.of("workerFullTraining", "architecture", "sourceRevision", "readyIdlePowerWatts"),
          "run-completed",
          List.of("artifact", "warmupBatches", "powerSettled", "idleBaseline"),
          "worker-heartbeat",
          List.of("jobIds"));

  /** The fields added to a job after its first release; a job has no type field. */
  static final List<String> ADDED_JOB_FIELDS = List.of("stopping", "dataset", "batchSemantics");

  private EventCodec() {}

  public static byte[] encode(Event event) {
    return write(Json.WIRE.valueToTree(event));
  }

  public static Event decodeEvent(byte[] bytes) {
    return read(bytes, Event.class);
  }

  public static byte[] encodeJob(JobSpec job) {
    return write(Json.WIRE.valueToTree(job));
  }

  public static JobSpec decodeJob(byte[] bytes) {
    return read(bytes, JobSpec.class);
  }

  private static byte[] write(JsonNode tree) {
    ((ObjectNode) tree).put("v", VERSION);
    try {
      return Json.WIRE.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record always serialises", e);
    }
  }

  private static <T> T read(byte[] bytes, Class<T> type) {
    if (bytes == null) {
      throw new DecodeException("payload is empty (a tombstone?)");
    }
    try {
      JsonNode tree = Json.WIRE.readTree(bytes);
      if (tree == null || !tree.isObject()) {
        throw new DecodeException("payload is not a JSON object: " + preview(bytes));
      }
      JsonNode v = tree.get("v");
      if (v == null || !v.isInt() || v.intValue() != VERSION) {
        throw new DecodeException("payload version must be " + VERSION + ": " + v);
      }
      ((ObjectNode) tree).remove("v");
      addedFieldsAsNull((ObjectNode) tree, type == JobSpec.class);
      return Json.WIRE.treeToValue(tree, type);
    } catch (DecodeException e) {
      throw e;
    } catch (Exception e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      throw new DecodeException(
          "cannot decode "
              + type.getSimpleName()
              + ": "
              + cause.getMessage()
              + " in "
              + preview(bytes));
    }
  }

  private static void addedFieldsAsNull(ObjectNode tree, boolean job) {
    JsonNode type = tree.get("type");
    List<String> added =
        job
            ? ADDED_JOB_FIELDS
            : type != null && type.isTextual()
                ? ADDED_FIELDS.getOrDefault(type.textValue(), List.of())
                : List.of();
    for (String field : added) {
      if (!tree.has(field)) {
        tree.putNull(field);
      }
    }
  }

  private static String preview(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** A payload that cannot be read; it goes to the dead-letter topic with this message. */
  public static final class DecodeException extends RuntimeException {
    public DecodeException(String message) {
      super(message);
    }
  }
}
