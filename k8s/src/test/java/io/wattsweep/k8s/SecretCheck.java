package io.wattsweep.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every Secret a pod or a KEDA TriggerAuthentication reads exists once the overlay is applied, with
 * the key it reads: created by the overlay, by an operator for one of its resources
 * (CloudNativePG's app Secret, Strimzi's KafkaUser and CA Secrets), or listed in {@link
 * #BEFORE_APPLY}. The repository holds no values.
 */
final class SecretCheck {
  /** Secrets the installer creates before applying, as k8s/README.md says; with their keys. */
  static final Map<String, Set<String>> BEFORE_APPLY =
      Map.of(
          "wattsweep-artifact-store", Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
          "wattsweep-api-tokens", Set.of("tokens"),
          "wattsweep-keda-token", Set.of("token"));

  private static final Set<String> CNPG_APP_KEYS =
      Set.of(
          "username",
          "user",
          "password",
          "dbname",
          "host",
          "port",
          "pgpass",
          "uri",
          "jdbc-uri",
          "fqdn-uri",
          "fqdn-jdbc-uri");
  private static final Set<String> CA_CERT_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");

  void check(List<Resource> resources, Tally tally, List<Finding> out) {
    Map<String, Set<String>> secrets = available(resources);
    for (Pods.Template t : Pods.templates(resources)) {
      Resource owner = t.owner();
      JsonNode containers = t.spec().path("containers");
      for (int c = 0; c < containers.size(); c++) {
        String container = "spec/containers[" + c + "]/";
        JsonNode env = containers.get(c).path("env");
        for (int i = 0; i < env.size(); i++) {
          JsonNode ref = env.get(i).path("valueFrom").path("secretKeyRef");
          if (ref.isObject()) {
            reference(
                owner,
                t.field(container + "env[" + i + "]/valueFrom/secretKeyRef"),
                ref.path("name"),
                ref.path("key").asText(),
                secrets,
                tally,
                out);
          }
        }
        JsonNode envFrom = containers.get(c).path("envFrom");
        for (int i = 0; i < envFrom.size(); i++) {
          JsonNode ref = envFrom.get(i).path("secretRef");
          if (ref.isObject()) {
            reference(
                owner,
                t.field(container + "envFrom[" + i + "]/secretRef"),
                ref.path("name"),
                null,
                secrets,
                tally,
                out);
          }
        }
      }
      JsonNode volumes = t.spec().path("volumes");
      for (int i = 0; i < volumes.size(); i++) {
        JsonNode secret = volumes.get(i).path("secret");
        if (!secret.isObject()) {
          continue;
        }
        String field = t.field("spec/volumes[" + i + "]/secret");
        JsonNode items = secret.path("items");
        if (items.isEmpty()) {
          reference(owner, field, secret.path("secretName"), null, secrets, tally, out);
        }
        // Each item's key must be there: the pod would not start without it.
        for (int j = 0; j < items.size(); j++) {
          reference(
              owner,
              field,
              secret.path("secretName"),
              items.get(j).path("key").asText(),
              field + ".items[" + j + "].key",
              secrets,
              tally,
              out);
        }
      }
    }
    // KEDA reads a TriggerAuthentication's Secrets from its namespace when it scales.
    for (Resource r : resources) {
      if (r.kind().equals("TriggerAuthentication")) {
        JsonNode refs = r.at("/spec/secretTargetRef");
        for (int i = 0; i < refs.size(); i++) {
          reference(
              r,
              "spec.secretTargetRef[" + i + "]",
              refs.get(i).path("name"),
              refs.get(i).path("key").asText(),
              secrets,
              tally,
              out);
        }
      }
    }
  }

  private void reference(
      Resource owner,
      String field,
      JsonNode name,
      String key,
      Map<String, Set<String>> secrets,
      Tally tally,
      List<Finding> out) {
    reference(owner, field, name, key, field + ".key", secrets, tally, out);
  }

  private void reference(
      Resource owner,
      String field,
      JsonNode name,
      String key,
      String keyField,
      Map<String, Set<String>> secrets,
      Tally tally,
      List<Finding> out) {
    tally.add("Secret references");
    Set<String> keys = secrets.get(name.asText());
    if (keys == null) {
      out.add(
          owner.finding(
              field + (field.endsWith(".secret") ? ".secretName" : ".name"),
              "no Secret '"
                  + name.asText()
                  + "' is created by this overlay, by its operators or"
                  + " before applying: "
                  + new TreeSet<>(secrets.keySet())));
    } else if (key != null && !keys.contains(key)) {
      out.add(
          owner.finding(
              keyField,
              "Secret " + name.asText() + " has no key '" + key + "': " + new TreeSet<>(keys)));
    }
  }

  static Map<String, Set<String>> available(List<Resource> resources) {
    var out = new HashMap<>(BEFORE_APPLY);
    for (Resource r : resources) {
      switch (r.kind()) {
        case "Secret" -> {
          Set<String> keys = new TreeSet<>();
          r.at("/data").fieldNames().forEachRemaining(keys::add);
          r.at("/stringData").fieldNames().forEachRemaining(keys::add);
          out.put(r.name(), keys);
        }
        case "Cluster" -> {
          if (r.group().equals("postgresql.cnpg.io")
              && r.at("/spec/bootstrap/initdb/secret/name").isMissingNode()) {
            out.put(r.name() + "-app", CNPG_APP_KEYS);
          }
        }
        case "KafkaUser" -> {
          String type = r.at("/spec/authentication/type").asText();
          if (type.equals("scram-sha-512")) {
            out.put(r.name(), Set.of("password", "sasl.jaas.config"));
          } else if (type.equals("tls")) {
            out.put(
                r.name(), Set.of("ca.crt", "user.crt", "user.key", "user.p12", "user.password"));
          }
        }
        case "Kafka" -> {
          out.put(r.name() + "-cluster-ca-cert", CA_CERT_KEYS);
          out.put(r.name() + "-clients-ca-cert", CA_CERT_KEYS);
        }
        default -> {}
      }
    }
    return out;
  }
}
