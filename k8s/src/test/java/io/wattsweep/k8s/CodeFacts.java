package io.wattsweep.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
record CodeFacts(Set<String> fixedTopics, String eventsTopic, String jobsPrefix,
    String workerGroupPrefix, String coordinatorGroup, Set<String> settings) {

  static final String TOPICS = "common/src/main/java/io/wattsweep/common/Topics.java";
  static final String INGESTOR =
      "coordinator/src/main/java/io/wattsweep/coordinator/kafka/EventIngestor.java";
  // A setting is read through Env (e.string("WATTSWEEP_...", ...)) or named by a KEY/_ENV constant.
  private static final Pattern SETTING = Pattern.compile(
      "\\.(?:string|integer|number|list)\\(\\s*\"(WATTSWEEP_[A-Z0-9_]+)\""
          + "|String \\w*(?:KEY|_ENV) = \"(WATTSWEEP_[A-Z0-9_]+)\"");

  static CodeFacts read() {
    String topics = Project.read(TOPICS);
    Set<String> fixed = new TreeSet<>();
    for (String constant : new String[] {"EVENTS", "HEARTBEATS", "DEAD_LETTERS"}) {
      fixed.add(find(topics, TOPICS, constant + " = \"([^\"]+)\""));
    }
    return new CodeFacts(fixed, find(topics, TOPICS, "EVENTS = \"([^\"]+)\""),
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
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
          try {
            Matcher m = SETTING.matcher(Files.readString(f));
            while (m.find()) {
              out.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (!out.contains("WATTSWEEP_KAFKA_BOOTSTRAP")) {
      throw new AssertionError("found no WATTSWEEP_KAFKA_BOOTSTRAP in the services' sources:"
          + " has the way they read settings changed? Update CodeFacts.SETTING");
    }
    return out;
  }

  private static String find(String source, String file, String regex) {
    Matcher m = Pattern.compile(regex).matcher(source);
    if (!m.find()) {
      throw new AssertionError("cannot find /" + regex + "/ in " + file
          + ": the manifests' names are checked against it; update CodeFacts");
    }
    return m.group(1);
  }
}
