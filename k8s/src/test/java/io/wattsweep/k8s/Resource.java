package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One rendered manifest and the overlay it came from. */
record Resource(String overlay, ObjectNode body) {
  String kind() {
    return body.path("kind").asText();
  }

  String name() {
    return body.path("metadata").path("name").asText();
  }

  String namespace() {
    return body.path("metadata").path("namespace").asText("");
  }

  String apiVersion() {
    return body.path("apiVersion").asText();
  }

  /** The API group: "" for the core group. */
  String group() {
    String v = apiVersion();
    return v.contains("/") ? v.substring(0, v.indexOf('/')) : "";
  }

  String id() {
    return kind() + "/" + name();
  }

  JsonNode at(String pointer) {
    return body.at(pointer);
  }

  Finding finding(String field, String message) {
    return new Finding(overlay, id(), field, message);
  }
}
