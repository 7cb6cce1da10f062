package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the services reach Kafka, which no schema relates to the Kafka resource: each client's
 * bootstrap names a listener of a Kafka in the overlay; its WATTSWEEP_KAFKA_* settings are what
 * that listener asks for (TLS, SCRAM-SHA-512); it connects as a SCRAM KafkaUser of that cluster,
 * with the password from the Secret Strimzi makes for that user, and trusts the cluster CA; and the
 * user's ACLs let it do its work (a worker of class C reads C's jobs topic in C's group and writes
 * the events; the coordinator writes each class's jobs topic and reads the events in its group).
 */
final class KafkaClientCheck {
  static final String BOOTSTRAP = "WATTSWEEP_KAFKA_BOOTSTRAP";
  static final String PROTOCOL = "WATTSWEEP_KAFKA_SECURITY_PROTOCOL";
  static final String MECHANISM = "WATTSWEEP_KAFKA_SASL_MECHANISM";
  static final String USERNAME = "WATTSWEEP_KAFKA_SASL_USERNAME";
  static final String PASSWORD = "WATTSWEEP_KAFKA_SASL_PASSWORD";
  static final String TRUSTSTORE = "WATTSWEEP_KAFKA_TRUSTSTORE_FILE";
  static final String TRUSTSTORE_TYPE = "WATTSWEEP_KAFKA_TRUSTSTORE_TYPE";
  static final String TRUSTSTORE_PASSWORD = "WATTSWEEP_KAFKA_TRUSTSTORE_PASSWORD";
  private static final String SCRAM = "scram-sha-512";

  private final CodeFacts code;

  KafkaClientCheck(CodeFacts code) {
    this.code = code;
  }

  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    for (Pods.Template t : Pods.templates(resources)) {
      JsonNode container = t.spec().path("containers").path(0);
      Map<String, String> env = Containers.env(container);
      if (env.containsKey(BOOTSTRAP)) {
        tally.add("Kafka clients");
        client(t, container, env, resources, out);
      }
    }
  }

  private void client(
      Pods.Template t,
      JsonNode container,
      Map<String, String> env,
      List<Resource> resources,
      List<Finding> out) {
    Resource owner = t.owner();
    String server = String.valueOf(env.get(BOOTSTRAP)).split(",")[0].trim();
    int colon = server.lastIndexOf(':');
    String[] host = (colon < 0 ? server : server.substring(0, colon)).split("\\.");
    String namespace = host.length > 1 ? host[1] : owner.namespace();
    Resource kafka =
        resources.stream()
            .filter(
                r ->
                    r.kind().equals("Kafka")
                        && (r.name() + "-kafka-bootstrap").equals(host[0])
                        && r.namespace().equals(namespace))
            .findFirst()
            .orElse(null);
    if (kafka == null) {
      out.add(
          owner.finding(
              value(t, BOOTSTRAP),
              "'"
                  + server
                  + "' is the bootstrap Service"
                  + " (CLUSTER-kafka-bootstrap:PORT) of no Kafka in this overlay"));
      return;
    }
    JsonNode listener = null;
    var ports = new ArrayList<String>();
    for (JsonNode l : kafka.at("/spec/kafka/listeners")) {
      ports.add(l.path("name").asText() + ":" + l.path("port").asText());
      if (colon >= 0 && l.path("port").asText().equals(server.substring(colon + 1))) {
        listener = l;
      }
    }
    if (listener == null) {
      out.add(
          owner.finding(
              value(t, BOOTSTRAP),
              "Kafka "
                  + kafka.name()
                  + " has no listener on"
                  + " the port of '"
                  + server
                  + "'; its listeners: "
                  + ports));
      return;
    }
    String where = "listener '" + listener.path("name").asText() + "' of Kafka " + kafka.name();
    egress(t, listener.path("port").asInt(), where, resources, out);
    boolean tls = listener.path("tls").asBoolean(false);
    boolean scram = SCRAM.equals(listener.path("authentication").path("type").asText());
    String wanted = (scram ? "SASL_" : "") + (tls ? "SSL" : "PLAINTEXT");
    String protocol = env.getOrDefault(PROTOCOL, "PLAINTEXT");
    if (!wanted.equals(String.valueOf(protocol).toUpperCase(Locale.ROOT))) {
      out.add(owner.finding(value(t, PROTOCOL), where + " takes " + wanted + ", not " + protocol));
      return;
    }
    if (scram) {
      String mechanism = env.getOrDefault(MECHANISM, "SCRAM-SHA-512");
      if (!"SCRAM-SHA-512".equals(mechanism)) {
        out.add(
            owner.finding(
                value(t, MECHANISM),
                where + " authenticates with " + "SCRAM-SHA-512, not " + mechanism));
      }
      user(t, container, env, kafka, resources, out);
    }
    if (tls) {
      truststore(t, container, env, kafka, where, out);
    }
  }

  /**
   * The pod's NetworkPolicies with Egress, if any, let it reach the listener's port (a rule without
   * ports allows every port; peers are ReferenceCheck's).
   */
  private static void egress(
      Pods.Template t, int port, String where, List<Resource> resources, List<Finding> out) {
    var policies =
        resources.stream()
            .filter(
                r ->
                    r.kind().equals("NetworkPolicy")
                        && r.namespace().equals(t.owner().namespace())
                        && Pods.selects(r.at("/spec/podSelector"), t.labels())
                        && r.at("/spec/policyTypes").toString().contains("\"Egress\""))
            .toList();
    if (policies.isEmpty()) {
      return;
    }
    for (Resource policy : policies) {
      for (JsonNode rule : policy.at("/spec/egress")) {
        if (!rule.has("ports") || rule.path("ports").isEmpty()) {
          return;
        }
        for (JsonNode p : rule.path("ports")) {
          int from = p.path("port").asInt(-1);
          if (p.path("port").isTextual()
              || from == port
              || from <= port && port <= p.path("endPort").asInt(from)) {
            return;
          }
        }
      }
    }
    out.add(
        t.owner()
            .finding(
                value(t, BOOTSTRAP),
                "its pods' NetworkPolicies "
                    + policies.stream().map(Resource::name).toList()
                    + " allow no egress to port "
                    + port
                    + ", where "
                    + where
                    + " listens"));
  }

  private void user(
      Pods.Template t,
      JsonNode container,
      Map<String, String> env,
      Resource kafka,
      List<Resource> resources,
      List<Finding> out) {
    Resource owner = t.owner();
    String username = env.get(USERNAME);
    var users =
        resources.stream()
            .filter(
                r ->
                    r.kind().equals("KafkaUser")
                        && r.namespace().equals(kafka.namespace())
                        && kafka
                            .name()
                            .equals(r.at("/metadata/labels/strimzi.io~1cluster").asText()))
            .toList();
    Resource user = users.stream().filter(u -> u.name().equals(username)).findFirst().orElse(null);
    if (user == null) {
      out.add(
          owner.finding(
              value(t, USERNAME),
              "no KafkaUser '"
                  + username
                  + "' of Kafka "
                  + kafka.name()
                  + " in this overlay: "
                  + users.stream().map(Resource::name).toList()));
      return;
    }
    if (!SCRAM.equals(user.at("/spec/authentication/type").asText())) {
      out.add(
          owner.finding(
              value(t, USERNAME),
              "KafkaUser " + username + " does not" + " authenticate with " + SCRAM));
    }
    // Strimzi's User Operator keeps a SCRAM user's password in a Secret named after the user.
    var wanted = new Containers.SecretKey(username, "password");
    boolean file = env.containsKey(PASSWORD + "_FILE");
    Containers.SecretKey got =
        file
            ? Containers.secretFile(t, container, env.get(PASSWORD + "_FILE"))
            : Containers.secretRef(container, PASSWORD);
    if (!wanted.equals(got)) {
      out.add(
          owner.finding(
              value(t, file ? PASSWORD + "_FILE" : PASSWORD),
              (got == null ? "not read from a Secret" : "reads " + got)
                  + ", not the password of"
                  + " KafkaUser "
                  + username
                  + " ("
                  + wanted
                  + ")"));
    }
    acls(t, env, user, out);
  }

  /** What the service does with Kafka, as ACL needs: {type, name, operation}. */
  private void acls(Pods.Template t, Map<String, String> env, Resource user, List<Finding> out) {
    var needs = new ArrayList<String[]>();
    String gpuClass = env.get("WATTSWEEP_GPU_CLASS");
    String classes = env.get("WATTSWEEP_GPU_CLASSES");
    if (t.owner().kind().equals("ScaledJob") && gpuClass != null) {
      needs.add(new String[] {"topic", code.jobsTopic(gpuClass), "Read"});
      needs.add(new String[] {"group", code.workerGroup(gpuClass), "Read"});
      needs.add(new String[] {"topic", code.eventsTopic(), "Write"});
    } else if (classes != null) {
      for (String c : classes.split(",")) {
        needs.add(new String[] {"topic", code.jobsTopic(c.trim()), "Write"});
      }
      needs.add(new String[] {"topic", code.eventsTopic(), "Read"});
      needs.add(new String[] {"group", code.coordinatorGroup(), "Read"});
    }
    for (String[] need : needs) {
      if (!allows(user, need[0], need[1], need[2])) {
        out.add(
            t.owner()
                .finding(
                    value(t, USERNAME),
                    "KafkaUser "
                        + user.name()
                        + " may not "
                        + need[2]
                        + " "
                        + need[0]
                        + " "
                        + need[1]
                        + " (its spec.authorization.acls), which"
                        + " this "
                        + (gpuClass != null && classes == null
                            ? "class " + gpuClass + " worker"
                            : "coordinator")
                        + " does"));
      }
    }
  }

  private static boolean allows(Resource user, String type, String name, String operation) {
    for (JsonNode acl : user.at("/spec/authorization/acls")) {
      JsonNode resource = acl.path("resource");
      String pattern = resource.path("name").asText();
      boolean matches =
          resource.path("type").asText().equals(type)
              && (resource.path("patternType").asText("literal").equals("prefix")
                  ? name.startsWith(pattern)
                  : pattern.equals(name) || pattern.equals("*"));
      var operations = new ArrayList<String>();
      acl.path("operations").forEach(o -> operations.add(o.asText()));
      if (acl.has("operation")) {
        operations.add(acl.path("operation").asText());
      }
      if (matches
          && acl.path("type").asText("allow").equals("allow")
          && (operations.contains(operation) || operations.contains("All"))) {
        return true;
      }
    }
    return false;
  }

  private void truststore(
      Pods.Template t,
      JsonNode container,
      Map<String, String> env,
      Resource kafka,
      String where,
      List<Finding> out) {
    Resource owner = t.owner();
    String ca = kafka.name() + "-cluster-ca-cert";
    String file = env.get(TRUSTSTORE);
    Containers.SecretKey got = Containers.secretFile(t, container, file);
    if (got == null
        || !got.secret().equals(ca)
        || !got.key().equals("ca.crt") && !got.key().equals("ca.p12")) {
      out.add(
          owner.finding(
              value(t, TRUSTSTORE),
              where
                  + " presents a certificate signed by"
                  + " the cluster CA, which the JVM does not trust: "
                  + (file == null
                      ? "unset"
                      : got == null ? "not read from a Secret" : "reads " + got)
                  + ", not the Secret "
                  + ca
                  + "'s ca.crt (PEM) or ca.p12 (PKCS12)"));
      return;
    }
    String name = file.toLowerCase(Locale.ROOT);
    String type =
        env.getOrDefault(
                TRUSTSTORE_TYPE,
                name.endsWith(".pem") || name.endsWith(".crt")
                    ? "PEM"
                    : name.endsWith(".jks") ? "JKS" : "PKCS12")
            .toUpperCase(Locale.ROOT);
    String wanted = got.key().equals("ca.crt") ? "PEM" : "PKCS12";
    if (!type.equals(wanted)) {
      out.add(owner.finding(value(t, TRUSTSTORE_TYPE), got + " is " + wanted + ", not " + type));
    }
    if (wanted.equals("PKCS12")) {
      boolean passwordFile = env.containsKey(TRUSTSTORE_PASSWORD + "_FILE");
      Containers.SecretKey password =
          passwordFile
              ? Containers.secretFile(t, container, env.get(TRUSTSTORE_PASSWORD + "_FILE"))
              : Containers.secretRef(container, TRUSTSTORE_PASSWORD);
      var wantedPassword = new Containers.SecretKey(ca, "ca.password");
      if (!wantedPassword.equals(password)) {
        out.add(
            owner.finding(
                value(t, passwordFile ? TRUSTSTORE_PASSWORD + "_FILE" : TRUSTSTORE_PASSWORD),
                "the PKCS12 cluster CA opens with " + wantedPassword));
      }
    }
  }

  /** The field of a variable's value; the env list and the name where it is not set. */
  private static String value(Pods.Template t, String variable) {
    String field = Containers.envField(t, variable);
    return field.endsWith("." + variable) ? field : field + ".value";
  }
}
