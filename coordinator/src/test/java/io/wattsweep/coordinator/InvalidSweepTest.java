package io.wattsweep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvalidSweepTest {
  private static final String VALID =
      """
      {"model": "3dgan", "scale": 0.25, "gpuClass": ["cpu"], "precision": ["fp32"],
       "batchSize": [4], "gpus": [1]}""";

  /** The answer is JSON: quotes in a message arrive escaped (\"). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      unknown model        | "model": "3dgan"          | "model": "stylegan"      | model must be one of 3dgan, vae-progan, or command:NAME for a command workload configured on the workers: 'stylegan'
      unknown precision    | "precision": ["fp32"]     | "precision": ["fp8"]     | precision must be one of fp32, tf32, mixed-fp16, bf16: 'fp8'
      batch size below 1   | "batchSize": [4]          | "batchSize": [4, 0]      | batchSize must be >= 1: 0
      gpu count below 1    | "gpus": [1]               | "gpus": [0]              | gpus must be >= 1: 0
      empty axis           | "gpuClass": ["cpu"]       | "gpuClass": []           | gpuClass must list at least one value: []
      measured below 1     | "gpus": [1]               | "gpus": [1], "measuredBatches": 0 | measuredBatches must be >= 1: 0
      unknown field        | "gpus": [1]               | "gpus": [1], "epochs": 3 | unknown field 'epochs'
      scale out of range   | "scale": 0.25             | "scale": 2               | scale must be in (0, 1]: 2.0
      command line field   | "gpus": [1]               | "gpus": [1], "command": "rm -rf /" | unknown field 'command': \\"rm -rf /\\"
      argv field           | "gpus": [1]               | "gpus": [1], "argv": ["sh", "-c", "id"] | unknown field 'argv': [\\"sh\\",\\"-c\\",\\"id\\"]
      command line as name | "model": "3dgan"          | "model": "command:rm -rf /" | (a sweep never carries a command line): 'command:rm -rf /'
      command with scale   | "model": "3dgan"          | "model": "command:resnet50" | scale must be 1 for a command workload (scale sizes the built-in models only): 0.25
      global not splittable | "gpus": [1]              | "gpus": [3], "batchSemantics": "global" | batchSize 4 must split evenly over gpus 3
      unknown batch meaning | "gpus": [1]              | "gpus": [1], "batchSemantics": "per-node" | batchSemantics must be one of per-gpu, global: 'per-node'
      a billion batches    | "gpus": [1]               | "gpus": [1], "measuredBatches": 1000000000 | measuredBatches must be <= 10000: 1000000000
      cap below minimum    | "gpus": [1]               | "gpus": [1], "maxMeasuredBatches": 5 | maxMeasuredBatches must be >= measuredBatches (10): 5
      cap past its bound   | "gpus": [1]               | "gpus": [1], "maxMeasuredBatches": 10001 | maxMeasuredBatches must be <= 10000: 10001
      warm-up cap too high | "gpus": [1]               | "gpus": [1], "maxWarmupBatches": 1001 | maxWarmupBatches must be <= 1000: 1001
      target as a percent  | "gpus": [1]               | "gpus": [1], "targetCiShare": 2 | targetCiShare must be in (0, 0.5]: 2.0
      a name of 201        | "gpus": [1]               | "gpus": [1], "name": "NAME201" | name must be at most 200 characters: 201
      an escape in a name  | "gpus": [1]               | "gpus": [1], "name": "a\\u001b[2Jb" | name must not hold control or format characters: U+001B at 1
      a bidi override      | "gpus": [1]               | "gpus": [1], "name": "a\\u202eb" | name must not hold control or format characters: U+202E at 1
      a relative dataset   | "gpus": [1]               | "gpus": [1], "dataset": "ele.h5" | dataset must be an absolute path on the workers: 'ele.h5'
      """)
  void invalidSweepIsRejectedNamingFieldAndValue(
      String what, String from, String to, String message) throws Exception {
    var stack = TestStack.get();
    Snapshot before = Snapshot.take(stack);
    String body = VALID.replace(from, to.replace("NAME201", "n".repeat(201)));
    assertTrue(!body.equals(VALID), "the case must change the body: " + what);

    var res = stack.post(body, "application/json");

    assertEquals(400, res.statusCode(), res.body());
    assertTrue(res.body().contains(message), res.body());
    assertEquals(before, Snapshot.take(stack), "nothing stored or published");
  }

  @Test
  void gridOverTenThousandJobsIsRejected() throws Exception {
    var stack = TestStack.get();
    Snapshot before = Snapshot.take(stack);
    // 160 batch sizes x 64 GPU counts (the most a job may ask for): 10,240 jobs.
    String sizes =
        java.util.stream.IntStream.rangeClosed(1, 160)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(","));
    String gpus =
        java.util.stream.IntStream.rangeClosed(1, 64)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(","));
    String body =
        VALID
            .replace("\"batchSize\": [4]", "\"batchSize\": [" + sizes + "]")
            .replace("\"gpus\": [1]", "\"gpus\": [" + gpus + "]");

    var res = stack.post(body, "application/json");

    assertEquals(400, res.statusCode(), res.body());
    assertTrue(res.body().contains("the grid must hold at most 10000 jobs: 10240"), res.body());
    assertEquals(before, Snapshot.take(stack));
  }

  @Test
  void malformedJsonAndYamlAreRejected() throws Exception {
    var stack = TestStack.get();
    Snapshot before = Snapshot.take(stack);

    var json = stack.post("{\"model\": ", "application/json");
    var yaml = stack.post("model: [3dgan\n", "application/yaml");

    assertEquals(400, json.statusCode(), json.body());
    assertTrue(json.body().contains("body is not valid JSON"), json.body());
    assertEquals(400, yaml.statusCode(), yaml.body());
    assertTrue(yaml.body().contains("body is not valid YAML"), yaml.body());
    assertEquals(before, Snapshot.take(stack));
  }

  @Test
  void bodyOverOneMebibyteIsRefused() throws Exception {
    var stack = TestStack.get();
    Snapshot before = Snapshot.take(stack);
    String body = VALID.replace("{", "{\"name\": \"" + "x".repeat(1024 * 1024) + "\", ");

    var res = stack.post(body, "application/json");

    assertEquals(413, res.statusCode(), res.body());
    assertTrue(res.body().contains("body must be at most 1048576 bytes"), res.body());
    assertEquals(before, Snapshot.take(stack));
  }

  @Test
  void unknownSweepIsNotFoundNamingTheId() throws Exception {
    var res = TestStack.get().get("/api/v1/sweeps/sw-nope");

    assertEquals(404, res.statusCode());
    assertTrue(res.body().contains("sweep not found: 'sw-nope'"), res.body());
  }

  /** What a rejected sweep must not change: the catalog's sweeps and the jobs topics' ends. */
  record Snapshot(int sweeps, Map<String, Long> jobRecords) {
    static Snapshot take(TestStack stack) throws Exception {
      var props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers());
      try (Admin admin = Admin.create(props)) {
        Set<String> topics =
            admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith("wattsweep.jobs."))
                .collect(Collectors.toSet());
        var request = new HashMap<TopicPartition, OffsetSpec>();
        for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
          d.partitions()
              .forEach(
                  p ->
                      request.put(
                          new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        var ends = new HashMap<String, Long>();
        admin
            .listOffsets(request)
            .all()
            .get()
            .forEach((tp, info) -> ends.merge(tp.topic(), info.offset(), Long::sum));
        return new Snapshot(stack.catalog.sweeps().size(), ends);
      }
    }
  }
}
