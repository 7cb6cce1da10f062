package io.wattsweep.systemtest.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the coordinator's API shows of a sweep: its runs and their measured batches, read as a user
 * would, so that the invariants are checked on what users see rather than on the tables.
 */
final class ApiReader {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  ApiReader(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** One run as listed, with the batch indexes its page shows. */
  record Run(
      String runId, String jobId, String state, int measuredBatches, TreeSet<Integer> batches) {}

  String submit(String yaml) throws IOException, InterruptedException {
    var res =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/sweeps"))
                .header("Content-Type", "application/yaml")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(yaml))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 201) {
      throw new IllegalStateException("sweep refused: " + res.statusCode() + " " + res.body());
    }
    return Json.MAPPER.readTree(res.body()).get("sweepId").asText();
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    var res =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      throw new IOException("GET " + path + ": " + res.statusCode() + " " + res.body());
    }
    return Json.MAPPER.readTree(res.body());
  }

  /** Every run of the sweep, whatever its state, by run id, each with its batches. */
  Map<String, Run> runs(String sweepId) throws IOException, InterruptedException {
    var runs = new TreeMap<String, Run>();
    // The default list leaves out superseded runs (second results of a job): ask for them too.
    var listed = new ArrayList<JsonNode>();
    get("/api/v1/runs?sweep=" + sweepId).get("runs").forEach(listed::add);
    get("/api/v1/runs?sweep=" + sweepId + "&state=SUPERSEDED").get("runs").forEach(listed::add);
    for (JsonNode r : listed) {
      String id = r.get("runId").asText();
      var batches = new TreeSet<Integer>();
      for (JsonNode b : get("/api/v1/runs/" + id).get("batches")) {
        batches.add(b.get("batchIndex").asInt());
      }
      runs.put(
          id,
          new Run(
              id,
              r.get("jobId").asText(),
              r.get("state").asText(),
              r.path("measuredBatches").asInt(0),
              batches));
    }
    return runs;
  }

  /**
   * The sweep's runs as soon as they show one more measured batch than now; as they are after
   * {@code timeout} if none comes.
   */
  Map<String, Run> runsOnNextBatch(String sweepId, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int before = batchTotal(runs(sweepId));
    Map<String, Run> now;
    while (batchTotal(now = runs(sweepId)) <= before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return now;
  }

  private static int batchTotal(Map<String, Run> runs) {
    return runs.values().stream().mapToInt(r -> r.batches().size()).sum();
  }

  /** The states of the sweep's jobs, by job id. */
  Map<String, String> jobStates(String sweepId) throws IOException, InterruptedException {
    var states = new TreeMap<String, String>();
    for (JsonNode j : get("/api/v1/sweeps/" + sweepId).get("jobs")) {
      states.put(j.get("jobId").asText(), j.get("state").asText());
    }
    return states;
  }

  /** Runs of the sweep in {@code state}, by run id. */
  List<String> runIds(String sweepId, String state) throws IOException, InterruptedException {
    var ids = new ArrayList<String>();
    for (JsonNode r : get("/api/v1/runs?sweep=" + sweepId + "&state=" + state).get("runs")) {
      ids.add(r.get("runId").asText());
    }
    return ids;
  }

  /** How many measured batches the run's page shows. */
  int batchCount(String runId) throws IOException, InterruptedException {
    return get("/api/v1/runs/" + runId).get("batches").size();
  }

  /** Waits until {@code /health} answers; fails early if the process exits. */
  void awaitHealthy(Duration timeout, Process coordinator) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        get("/health");
        return;
      } catch (IOException e) {
        if (!coordinator.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the coordinator did not answer in "
                  + timeout
                  + (coordinator.isAlive() ? "" : "; it exited with " + coordinator.exitValue()),
              e);
        }
      }
      Thread.sleep(200);
    }
  }
}
