package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Topics, groups and partitions against the code: every KafkaTopic and ACL names a topic or group
 * the services use (common's Topics, the coordinator's group), every worker class has its jobs
 * topic, the coordinator knows the classes, and its topic settings match the KafkaTopics. The
 * cluster forms a group at once: a free worker often joins an empty group (every other one busy),
 * and the broker's default 3 s wait for more members would hold each such job back.
 */
final class KafkaCheck {
  private final CodeFacts code;

  KafkaCheck(CodeFacts code) {
    this.code = code;
  }

  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    Set<String> classes = new TreeSet<>();
    Map<String, Integer> maxReplicas = new HashMap<>();
    Pods.Template coordinator = null;
    for (Pods.Template t : Pods.templates(resources)) {
      String c = Containers.mainEnv(t).get("WATTSWEEP_GPU_CLASS");
      if (t.owner().kind().equals("ScaledJob") && c != null) {
        classes.add(c);
        maxReplicas.merge(c, t.owner().at("/spec/maxReplicaCount").asInt(100), Integer::sum);
      }
      if (Containers.mainEnv(t).containsKey("WATTSWEEP_GPU_CLASSES")) {
        coordinator = t;
      }
    }
    Map<String, String> env = coordinator == null ? Map.of() : Containers.mainEnv(coordinator);
    Set<String> topics = new TreeSet<>(code.fixedTopics());
    classes.forEach(c -> topics.add(code.jobsTopic(c)));
    Set<String> groups = new TreeSet<>(Set.of(code.coordinatorGroup()));
    classes.forEach(c -> groups.add(code.workerGroup(c)));

    Set<String> declared = new TreeSet<>();
    for (Resource r : resources) {
      if (r.kind().equals("KafkaTopic")) {
        tally.add("Kafka topics");
        topic(r, topics, classes, maxReplicas, env, out);
        declared.add(r.at("/spec/topicName").asText(r.name()));
      } else if (r.kind().equals("KafkaUser")) {
        acls(r, topics, groups, tally, out);
      } else if (r.kind().equals("Kafka")) {
        tally.add("Kafka group delay");
        JsonNode delay = r.at("/spec/kafka/config/group.initial.rebalance.delay.ms");
        if (!delay.asText().equals("0")) {
          out.add(
              r.finding(
                  "spec.kafka.config.group.initial.rebalance.delay.ms",
                  (delay.isMissingNode() ? "unset (the broker's 3000)" : delay.asText())
                      + ": workers joining an empty group would wait for it; set 0"));
        }
      }
    }
    for (String c : classes) {
      if (!declared.contains(code.jobsTopic(c))) {
        out.add(
            new Finding(
                resources.get(0).overlay(),
                "KafkaTopic/" + code.jobsTopic(c),
                "metadata.name",
                "missing: class " + c + " has workers but no jobs topic"));
      }
    }
    if (coordinator != null) {
      Set<String> listed = new TreeSet<>(List.of(env.get("WATTSWEEP_GPU_CLASSES").split(",")));
      if (!listed.equals(classes)) {
        out.add(
            coordinator
                .owner()
                .finding(
                    coordinator.field("spec/containers[0]/env") + ".WATTSWEEP_GPU_CLASSES",
                    "lists " + listed + " but the workers are of " + classes));
      }
    }
  }

  private void topic(
      Resource r,
      Set<String> topics,
      Set<String> classes,
      Map<String, Integer> maxReplicas,
      Map<String, String> env,
      List<Finding> out) {
    String name = r.at("/spec/topicName").asText(r.name());
    String field = r.at("/spec/topicName").isMissingNode() ? "metadata.name" : "spec.topicName";
    if (!topics.contains(name)) {
      out.add(r.finding(field, "'" + name + "' is not a topic the services use: " + topics));
      return;
    }
    int partitions = r.at("/spec/partitions").asInt();
    String setting =
        name.startsWith(code.jobsPrefix())
            ? "WATTSWEEP_JOB_PARTITIONS"
            : name.equals(code.eventsTopic()) ? "WATTSWEEP_EVENT_PARTITIONS" : null;
    if (setting != null
        && env.containsKey(setting)
        && !String.valueOf(partitions).equals(env.get(setting))) {
      out.add(
          r.finding(
              "spec.partitions",
              partitions + " but the coordinator's " + setting + " is " + env.get(setting)));
    }
    String replication = env.get("WATTSWEEP_TOPIC_REPLICATION");
    if (replication != null && !replication.equals(r.at("/spec/replicas").asText())) {
      out.add(
          r.finding(
              "spec.replicas",
              r.at("/spec/replicas").asText()
                  + " but the coordinator's WATTSWEEP_TOPIC_REPLICATION is "
                  + replication));
    }
    for (String c : classes) {
      if (name.equals(code.jobsTopic(c)) && maxReplicas.get(c) > partitions) {
        out.add(
            r.finding(
                "spec.partitions",
                partitions
                    + " partitions, but the "
                    + c
                    + " workers' maxReplicaCount adds up to "
                    + maxReplicas.get(c)
                    + ": one worker per partition takes jobs, the others would idle"));
      }
    }
  }

  private void acls(
      Resource r, Set<String> topics, Set<String> groups, Tally tally, List<Finding> out) {
    JsonNode acls = r.at("/spec/authorization/acls");
    for (int i = 0; i < acls.size(); i++) {
      tally.add("Kafka ACLs");
      JsonNode resource = acls.get(i).path("resource");
      String type = resource.path("type").asText();
      String name = resource.path("name").asText();
      boolean prefix = resource.path("patternType").asText("literal").equals("prefix");
      Set<String> known = type.equals("topic") ? topics : type.equals("group") ? groups : null;
      if (known == null) {
        continue;
      }
      boolean ok = prefix ? known.stream().anyMatch(k -> k.startsWith(name)) : known.contains(name);
      if (!ok) {
        out.add(
            r.finding(
                "spec.authorization.acls[" + i + "].resource.name",
                "'"
                    + name
                    + "' ("
                    + (prefix ? "prefix" : "literal")
                    + ") names no "
                    + type
                    + " the services use: "
                    + known));
      }
    }
  }
}
