package io.wattsweep.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the manifests must agree with, read from the services' sources (this module does not build
 * against them): topic and group names, and the WATTSWEEP_* settings the services read.
 *
 * @param fixedTopics the topics every class shares
 * @param eventsTopic the one of them that carries the runs' events
 * @param jobsPrefix a class's jobs topic is this prefix and the class name
 * @param workerGroupPrefix a class's worker group is this prefix and the class name
 * @param coordinatorGroup the coordinator's consumer group
 * @param settings every WATTSWEEP_* variable a service reads
 */
record CodeFacts(
    Set<String> fixedTopics,
    String eventsTopic,
    String jobsPrefix,
    String workerGroupPrefix,
    String coordinatorGroup,
    Set<String> settings) {

  static final String TOPICS = "common/src/main/java/io/wattsweep/common/Topics.java";
  static final String INGESTOR =
      "coordinator/src/main/java/io/wattsweep/coordinator/kafka/EventIngestor.java";
  // A setting is read through Env, by name (e.string("WATTSWEEP_...", ...)) or by a constant of
  // the same file (String NAME = "WATTSWEEP_..."), given to Env's reader or to a helper with the
  // Env (path(env, NAME)); Env.secret also reads NAME_FILE. A KEY/_ENV constant names one too.
  private static final Pattern READ =
      Pattern.compile(
          "\\.(string|integer|number|list|bool|secret)\\(\\s*"
              + "(?:\"(WATTSWEEP_[A-Z0-9_]+)\"|([A-Z][A-Z0-9_]*)\\b)");
  private static final Pattern PASSED =
      Pattern.compile("\\(\\s*(?:env|e)\\s*,\\s*([A-Z][A-Z0-9_]*)\\b");
  private static final Pattern CONSTANT =
      Pattern.compile("String (\\w+) = \"(WATTSWEEP_[A-Z0-9_]+)\"");

  static CodeFacts read() {
    String topics = Project.read(TOPICS);
    Set<String> fixed = new TreeSet<>();
    for (String constant : new String[] {"EVENTS", "HEARTBEATS", "DEAD_LETTERS"}) {
      fixed.add(find(topics, TOPICS, constant + " = \"([^\"]+)\""));
    }
    return new CodeFacts(
        fixed,
        find(topics, TOPICS, "EVENTS = \"([^\"]+)\""),
        find(topics, TOPICS, "jobs\\(String \\w+\\) \\{\\s*return \"([^\"]+)\" \\+"),
        find(topics, TOPICS, "workerGroup\\(String \\w+\\) \\{\\s*return \"([^\"]+)\" \\+"),
        find(Project.read(INGESTOR), INGESTOR, "GROUP = \"([^\"]+)\""),
        readSettings());
  }

  String jobsTopic(String gpuClass) {
    return jobsPrefix + gpuClass;
  }

  String workerGroup(String gpuClass) {
    return workerGroupPrefix + gpuClass;
  }

  private static Set<String> readSettings() {
    Set<String> out = new TreeSet<>();
    for (String module : new String[] {"common", "worker", "coordinator"}) {
      try (Stream<Path> files = Files.walk(Project.root().resolve(module + "/src/main/java"))) {
        files
            .filter(f -> f.toString().endsWith(".java"))
            .forEach(
                f -> {
                  try {
                    settings(Files.readString(f), out);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (!out.contains("WATTSWEEP_KAFKA_BOOTSTRAP")) {
      throw new AssertionError(
          "found no WATTSWEEP_KAFKA_BOOTSTRAP in the services' sources:"
              + " has the way they read settings changed? Update CodeFacts.READ");
    }
    return out;
  }

  /** The settings one source file reads. */
  static void settings(String source, Set<String> out) {
    Map<String, String> constants = new HashMap<>();
    Matcher c = CONSTANT.matcher(source);
    while (c.find()) {
      constants.put(c.group(1), c.group(2));
      if (c.group(1).endsWith("KEY") || c.group(1).endsWith("_ENV")) {
        out.add(c.group(2));
      }
    }
    Matcher m = READ.matcher(source);
    while (m.find()) {
      String name = m.group(2) != null ? m.group(2) : constants.get(m.group(3));
      if (name != null) {
        out.add(name);
        if (m.group(1).equals("secret")) {
          out.add(name + "_FILE");
        }
      }
    }
    Matcher p = PASSED.matcher(source);
    while (p.find()) {
      if (constants.containsKey(p.group(1))) {
        out.add(constants.get(p.group(1)));
      }
    }
  }

  private static String find(String source, String file, String regex) {
    Matcher m = Pattern.compile(regex).matcher(source);
    if (!m.find()) {
      throw new AssertionError(
          "cannot find /"
              + regex
              + "/ in "
              + file
              + ": the manifests' names are checked against it; update CodeFacts");
    }
    return m.group(1);
  }
}
