package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The custom resources' schemas: the openAPIV3Schema of each served version of the CRDs in
 * ../shared/k8s-crds, by "group/version Kind".
 */
final class CrdSchemas {
  private final Map<String, JsonNode> schemas = new HashMap<>();

  static CrdSchemas load() {
    Path dir = Project.crds();
    if (!Files.isDirectory(dir)) {
      throw new AssertionError(
          "no CRDs at "
              + dir
              + ": the custom resources are checked against"
              + " the operators' schemas there (../shared/k8s-crds beside the clone)");
    }
    var out = new CrdSchemas();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        try (var docs =
            Rendering.YAML.readValues(Rendering.YAML.createParser(f.toFile()), JsonNode.class)) {
          while (docs.hasNext()) {
            out.add(docs.next());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private void add(JsonNode crd) {
    if (crd == null || !"CustomResourceDefinition".equals(crd.path("kind").asText())) {
      return;
    }
    String group = crd.at("/spec/group").asText();
    String kind = crd.at("/spec/names/kind").asText();
    for (JsonNode v : crd.at("/spec/versions")) {
      if (v.path("served").asBoolean()) {
        schemas.put(
            group + "/" + v.path("name").asText() + " " + kind, v.at("/schema/openAPIV3Schema"));
      }
    }
  }

  boolean servesGroup(String group) {
    return schemas.keySet().stream().anyMatch(k -> k.startsWith(group + "/"));
  }

  JsonNode schema(String apiVersion, String kind) {
    return schemas.get(apiVersion + " " + kind);
  }

  List<String> kinds() {
    return schemas.keySet().stream().sorted().toList();
  }
}
