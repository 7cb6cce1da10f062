package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders an overlay as `kubectl kustomize` does, offline: no cluster is asked anything. */
final class Rendering {
  static final YAMLMapper YAML = new YAMLMapper();

  private Rendering() {}

  /** The resources of k8s/overlays/{overlay}. */
  static List<Resource> overlay(String overlay) {
    return parse(overlay, kustomize("k8s/overlays/" + overlay));
  }

  static String kustomize(String dir) {
    var command = List.of("kubectl", "kustomize", dir);
    Process p;
    try {
      p = new ProcessBuilder(command).directory(Project.root().toFile()).start();
    } catch (IOException e) {
      throw new AssertionError(
          "kubectl is not on the PATH: these checks render the overlays with"
              + " `kubectl kustomize` (kubectl 1.32 or newer; it needs no cluster)",
          e);
    }
    try {
      p.getOutputStream().close();
      var err = new StringBuilder();
      Thread drain = new Thread(() -> err.append(readAll(p.getErrorStream())));
      drain.start();
      String out = readAll(p.getInputStream());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " ran past 60 s");
      }
      drain.join();
      if (p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + err);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (IOException e) {
      throw new AssertionError("cannot read the output of kubectl", e);
    }
  }

  static List<Resource> parse(String overlay, String yaml) {
    var out = new ArrayList<Resource>();
    try (var docs = YAML.readValues(YAML.createParser(yaml), JsonNode.class)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject()) {
          out.add(new Resource(overlay, (ObjectNode) doc));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("kubectl kustomize wrote YAML that does not parse", e);
    }
    return out;
  }

  private static String readAll(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
