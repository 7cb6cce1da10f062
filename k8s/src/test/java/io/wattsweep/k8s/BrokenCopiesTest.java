package io.wattsweep.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test of the checks: each kind of mistake, made in memory in a copy of a rendered overlay, is
 * reported with the overlay, the resource (Kind/name) and the field.
 */
class BrokenCopiesTest {
  private static final String DEV = Rendering.kustomize("k8s/overlays/dev");
  private static final String GPU = Rendering.kustomize("k8s/overlays/gpu-cluster");

  static Stream<Arguments> mistakes() {
    return Stream.of(
        broken(
            "a misspelt field in a core kind",
            "dev",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].imagePulPolicy",
            "unknown field",
            r -> rename(container(r, "/spec/template/spec"), "imagePullPolicy", "imagePulPolicy")),
        broken(
            "a misspelt field deep in a core kind",
            "dev",
            "NetworkPolicy/wattsweep-worker",
            "spec.egress[0].to[0].podSelector.matchLabel",
            "unknown field",
            r ->
                rename(
                    (ObjectNode) r.at("/spec/egress/0/to/0/podSelector"),
                    "matchLabels",
                    "matchLabel")),
        broken(
            "a misspelt field in a custom resource",
            "gpu-cluster",
            "ScaledJob/wattsweep-worker-h100-4",
            "spec.pollingIntervall",
            "unknown field",
            r -> rename((ObjectNode) r.at("/spec"), "pollingInterval", "pollingIntervall")),
        broken(
            "a misspelt field deep in a custom resource",
            "gpu-cluster",
            "Kafka/wattsweep",
            "spec.kafka.listeners[0].authentication.typ",
            "unknown field",
            r ->
                rename((ObjectNode) r.at("/spec/kafka/listeners/0/authentication"), "type", "typ")),
        broken(
            "a value outside a CRD's enum",
            "dev",
            "KafkaUser/wattsweep-coordinator",
            "spec.authentication.type",
            "is not one of",
            r -> ((ObjectNode) r.at("/spec/authentication")).put("type", "scram-sha-256")),
        broken(
            "a misspelt KEDA trigger key",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.triggers[0].metadata.valueLocaton",
            "has no key",
            r ->
                rename(
                    (ObjectNode) r.at("/spec/triggers/0/metadata"),
                    "valueLocation",
                    "valueLocaton")),
        broken(
            "a trigger for another GPU count",
            "gpu-cluster",
            "ScaledJob/wattsweep-worker-a100-2",
            "spec.triggers[0].metadata.url",
            "gpus=4",
            r ->
                ((ObjectNode) r.at("/spec/triggers/0/metadata"))
                    .put(
                        "url",
                        "http://wattsweep-coordinator.wattsweep:8080/api/v1/backlog?gpuClass=a100&gpus=4")),
        broken(
            "a trigger KEDA cannot resolve from its namespace",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.triggers[0].metadata.url",
            "no Service",
            r ->
                ((ObjectNode) r.at("/spec/triggers/0/metadata"))
                    .put(
                        "url",
                        "http://wattsweep-coordinator:8080/api/v1/backlog?gpuClass=cpu&gpus=1")),
        broken(
            "a deadline shorter than the job's timeout",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.jobTargetRef.activeDeadlineSeconds",
            "does not leave the job",
            r -> ((ObjectNode) r.at("/spec/jobTargetRef")).put("activeDeadlineSeconds", 1800)),
        broken(
            "a wrong topic",
            "dev",
            "KafkaTopic/wattsweep.jobs.cpu",
            "KafkaTopic/wattsweep.job.cpu",
            "metadata.name",
            "not a topic the services use",
            r -> ((ObjectNode) r.at("/metadata")).put("name", "wattsweep.job.cpu")),
        broken(
            "a wrong group in an ACL",
            "dev",
            "KafkaUser/wattsweep-worker-cpu",
            "spec.authorization.acls[1].resource.name",
            "names no group",
            r ->
                ((ObjectNode) r.at("/spec/authorization/acls/1/resource"))
                    .put("name", "wattsweep-worker-cpu")),
        broken(
            "partitions the coordinator does not use",
            "gpu-cluster",
            "KafkaTopic/wattsweep.jobs.h100",
            "spec.partitions",
            "WATTSWEEP_JOB_PARTITIONS",
            r -> ((ObjectNode) r.at("/spec")).put("partitions", 8)),
        broken(
            "a selector that matches nothing",
            "dev",
            "Service/wattsweep-coordinator",
            "spec.selector",
            "selects no pod",
            r ->
                ((ObjectNode) r.at("/spec/selector"))
                    .put("app.kubernetes.io/name", "wattsweep-coordinatr")),
        broken(
            "a network policy peer that matches nothing",
            "gpu-cluster",
            "NetworkPolicy/wattsweep-coordinator",
            "spec.egress[1].to[0].podSelector",
            "selects no pod",
            r ->
                ((ObjectNode) r.at("/spec/egress/1/to/0/podSelector/matchLabels"))
                    .put("cnpg.io/cluster", "catalog")),
        broken(
            "a missing named port",
            "dev",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].readinessProbe.httpGet.port",
            "no container port",
            r ->
                ((ObjectNode) r.at("/spec/template/spec/containers/0/readinessProbe/httpGet"))
                    .put("port", "htp")),
        broken(
            "a monitor's port that the pods lack",
            "gpu-cluster",
            "PodMonitor/wattsweep-worker",
            "spec.podMetricsEndpoints[0].port",
            "no port named",
            r -> ((ObjectNode) r.at("/spec/podMetricsEndpoints/0")).put("port", "prometheus")),
        broken(
            "an unknown WATTSWEEP_ variable",
            "gpu-cluster",
            "ScaledJob/wattsweep-worker-h100-8",
            "spec.jobTargetRef.template.spec.containers[0].env[4].name",
            "read by no service",
            r ->
                ((ObjectNode) r.at("/spec/jobTargetRef/template/spec/containers/0/env/4"))
                    .put("name", "WATTSWEEP_JOB_TIMEOUT")),
        broken(
            "a dangling secret",
            "dev",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].env[2].valueFrom.secretKeyRef.name",
            "no Secret 'wattsweep-catalog-ap'",
            r -> secretKeyRef(r).put("name", "wattsweep-catalog-ap")),
        broken(
            "a key the operator's secret lacks",
            "dev",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].env[2].valueFrom.secretKeyRef.key",
            "has no key 'jdbc-url'",
            r -> secretKeyRef(r).put("key", "jdbc-url")),
        broken(
            "an alert on a job no monitor gives",
            "dev",
            "PodMonitor/wattsweep-worker",
            "PrometheusRule/wattsweep",
            "spec.groups[0].rules[0].expr",
            "no monitor's job",
            r -> ((ObjectNode) r.at("/spec")).remove("jobLabel")),
        // The API's tokens and KEDA's.
        broken(
            "the coordinator without tokens",
            "dev",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].env.WATTSWEEP_TOKENS_FILE",
            "127.0.0.1 only",
            r -> removeEnv(r, "/spec/template/spec", "WATTSWEEP_TOKENS_FILE")),
        broken(
            "a probe on a path that needs a token",
            "dev",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].readinessProbe.httpGet.path",
            "needs a token",
            r ->
                ((ObjectNode) r.at("/spec/template/spec/containers/0/readinessProbe/httpGet"))
                    .put("path", "/api/v1/sweeps")),
        broken(
            "a backlog trigger that sends no token",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.triggers[0].metadata.authMode",
            "answers 401",
            r -> ((ObjectNode) r.at("/spec/triggers/0/metadata")).remove("authMode")),
        broken(
            "an authMode KEDA does not know",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.triggers[0].metadata.authMode",
            "is not one of",
            r -> ((ObjectNode) r.at("/spec/triggers/0/metadata")).put("authMode", "token")),
        broken(
            "a TriggerAuthentication the overlay lacks",
            "gpu-cluster",
            "ScaledJob/wattsweep-worker-a100-4",
            "spec.triggers[0].authenticationRef.name",
            "no TriggerAuthentication 'wattsweep-backlog-readr'",
            r ->
                ((ObjectNode) r.at("/spec/triggers/0/authenticationRef"))
                    .put("name", "wattsweep-backlog-readr")),
        broken(
            "a TriggerAuthentication without the bearer token",
            "dev",
            "TriggerAuthentication/wattsweep-backlog-reader",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.triggers[0].authenticationRef.name",
            "gives no 'token|bearerToken'",
            r -> ((ObjectNode) r.at("/spec/secretTargetRef/0")).put("parameter", "apiKey")),
        broken(
            "a TriggerAuthentication's Secret that nobody creates",
            "gpu-cluster",
            "TriggerAuthentication/wattsweep-backlog-reader",
            "spec.secretTargetRef[0].name",
            "no Secret 'wattsweep-keda-tokens'",
            r ->
                ((ObjectNode) r.at("/spec/secretTargetRef/0"))
                    .put("name", "wattsweep-keda-tokens")),
        broken(
            "a Secret volume's key that the Secret lacks",
            "gpu-cluster",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.volumes[4].secret.items[0].key",
            "has no key 'ca.pem'",
            r ->
                ((ObjectNode) r.at("/spec/template/spec/volumes/4/secret/items/0"))
                    .put("key", "ca.pem")),
        // Kafka over SASL_SSL as the manifests' KafkaUsers.
        broken(
            "a misspelt Kafka setting",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.jobTargetRef.template.spec.containers[0].env[9].name",
            "read by no service",
            r ->
                ((ObjectNode) r.at("/spec/jobTargetRef/template/spec/containers/0/env/9"))
                    .put("name", "WATTSWEEP_KAFKA_SASL_PASSWORD_PATH")),
        broken(
            "a client on a port Kafka does not listen on",
            "dev",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].env[1].value",
            "has no listener",
            r ->
                ((ObjectNode) r.at("/spec/template/spec/containers/0/env/1"))
                    .put("value", "wattsweep-kafka-bootstrap:9092")),
        broken(
            "a network policy that keeps workers from Kafka",
            "gpu-cluster",
            "NetworkPolicy/wattsweep-worker",
            "ScaledJob/wattsweep-worker-a100-8",
            "spec.jobTargetRef.template.spec.containers[0].env[0].value",
            "allow no egress to port 9093",
            r -> ((ObjectNode) r.at("/spec/egress/0/ports/0")).put("port", 9092)),
        broken(
            "a protocol the listener does not take",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.jobTargetRef.template.spec.containers[0].env[6].value",
            "takes SASL_SSL",
            r ->
                ((ObjectNode) r.at("/spec/jobTargetRef/template/spec/containers/0/env/6"))
                    .put("value", "SSL")),
        broken(
            "a worker connecting as another class's Kafka user",
            "gpu-cluster",
            "ScaledJob/wattsweep-worker-h100-2",
            "spec.jobTargetRef.template.spec.containers[0].env[8].value",
            "may not Read topic wattsweep.jobs.h100",
            r ->
                ((ObjectNode) r.at("/spec/jobTargetRef/template/spec/containers/0/env/8"))
                    .put("value", "wattsweep-worker-a100")),
        broken(
            "a password from another user's Secret",
            "gpu-cluster",
            "Deployment/wattsweep-coordinator",
            "spec.template.spec.containers[0].env[13].value",
            "not the password of KafkaUser wattsweep-coordinator",
            r ->
                ((ObjectNode) r.at("/spec/template/spec/volumes/3/secret"))
                    .put("secretName", "wattsweep-worker-a100")),
        broken(
            "a Kafka that waits for more members before it forms a group",
            "gpu-cluster",
            "Kafka/wattsweep",
            "spec.kafka.config.group.initial.rebalance.delay.ms",
            "workers joining an empty group would wait for it",
            r ->
                ((ObjectNode) r.at("/spec/kafka/config"))
                    .remove("group.initial.rebalance.delay.ms")),
        broken(
            "a truststore that is not the cluster CA",
            "dev",
            "ScaledJob/wattsweep-worker-cpu-1",
            "spec.jobTargetRef.template.spec.containers[0].env[10].value",
            "not the Secret wattsweep-cluster-ca-cert's ca.crt",
            r ->
                ((ObjectNode) r.at("/spec/jobTargetRef/template/spec/volumes/3/secret"))
                    .put("secretName", "wattsweep-clients-ca-cert")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void mistakeIsReported(
      String mistake,
      String overlay,
      String target,
      String reported,
      String field,
      String words,
      Consumer<Resource> breakIt) {
    List<Resource> resources = Rendering.parse(overlay, overlay.equals("dev") ? DEV : GPU);
    breakIt.accept(
        resources.stream()
            .filter(r -> r.id().equals(target))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + target + " in " + overlay)));
    List<Finding> findings =
        new ManifestChecks(OverlaysTest.CRDS, OverlaysTest.CODE).run(resources, new Tally());
    System.out.println(mistake + " -> " + findings);
    boolean named =
        findings.stream()
            .anyMatch(
                f ->
                    f.overlay().equals(overlay)
                        && f.resource().equals(reported)
                        && f.field().equals(field)
                        && f.message().contains(words));
    assertTrue(
        named,
        mistake
            + ": expected a finding on "
            + reported
            + " "
            + field
            + " saying '"
            + words
            + "', got "
            + findings);
  }

  private static Arguments broken(
      String mistake,
      String overlay,
      String resource,
      String field,
      String words,
      Consumer<Resource> breakIt) {
    return broken(mistake, overlay, resource, resource, field, words, breakIt);
  }

  private static Arguments broken(
      String mistake,
      String overlay,
      String target,
      String reported,
      String field,
      String words,
      Consumer<Resource> breakIt) {
    return Arguments.of(mistake, overlay, target, reported, field, words, breakIt);
  }

  private static ObjectNode secretKeyRef(Resource coordinator) {
    return (ObjectNode)
        coordinator.at("/spec/template/spec/containers/0/env/2/valueFrom/secretKeyRef");
  }

  private static void removeEnv(Resource r, String podSpec, String name) {
    var env = (ArrayNode) r.at(podSpec + "/containers/0/env");
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i).path("name").asText().equals(name)) {
        env.remove(i);
        return;
      }
    }
    throw new AssertionError("no env " + name + " to remove in " + r.id());
  }

  private static ObjectNode container(Resource r, String podSpec) {
    return (ObjectNode) r.at(podSpec + "/containers/0");
  }

  private static ObjectNode rename(ObjectNode node, String from, String to) {
    JsonNode value = node.remove(from);
    if (value == null) {
      throw new AssertionError("no field " + from + " to misspell in " + node);
    }
    node.set(to, value);
    return node;
  }
}
