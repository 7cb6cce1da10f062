package io.wattsweep.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.report.SweepReport;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The CLI's client of the coordinator's REST API. The user header matters only to a coordinator
 * without tokens; one with tokens names the submitter by the token.
 */
final class ApiClient {
  private final ApiConnection api;

  ApiClient(ApiConnection api) {
    this.api = api;
  }

  boolean healthy() {
    try {
      return get("/health").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** Submits a sweep file's text; returns the sweep id, or throws with the API's message. */
  String submit(String body, boolean yaml) throws IOException {
    var req =
        api.request("/api/v1/sweeps")
            .header("Content-Type", yaml ? "application/yaml" : "application/json")
            .header("X-Wattsweep-User", System.getProperty("user.name", "anonymous"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    JsonNode reply = Json.TOLERANT.readTree(send(req, 201).body());
    return reply.get("sweepId").asText();
  }

  SweepView sweep(String id) throws IOException {
    return Json.TOLERANT.readValue(
        send(request("/api/v1/sweeps/" + id), 200).body(), SweepView.class);
  }

  /** GET a path (with its query); the body, or an IOException with the API's message. */
  String body(String pathAndQuery) throws IOException {
    return send(request(pathAndQuery), 200).body();
  }

  /** Points a model's alias at a version (as this user); throws with the API's message. */
  void setAlias(String model, String alias, int version) throws IOException {
    var req =
        api.request("/api/v1/models/" + model + "/aliases/" + alias)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-Wattsweep-User", System.getProperty("user.name", "anonymous"))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"version\": " + version + "}"))
            .build();
    send(req, 200);
  }

  void deleteAlias(String model, String alias) throws IOException {
    send(
        api.request("/api/v1/models/" + model + "/aliases/" + alias)
            .timeout(Duration.ofSeconds(30))
            .DELETE()
            .build(),
        204);
  }

  /** The power traces a report draws ({@link SweepReport#powerRunIds}), by run id. */
  Map<String, PowerTrace> powerTraces(SweepView sweep) throws IOException {
    var out = new HashMap<String, PowerTrace>();
    for (String runId : SweepReport.powerRunIds(sweep)) {
      out.put(
          runId,
          Json.TOLERANT.readValue(
              body("/api/v1/runs/" + runId + "/power?points=" + SweepReport.POWER_POINTS),
              PowerTrace.class));
    }
    return out;
  }

  JsonNode sweeps() throws IOException {
    return Json.TOLERANT.readTree(send(request("/api/v1/sweeps"), 200).body());
  }

  private HttpResponse<String> get(String path) throws IOException {
    return send(request(path), -1);
  }

  private HttpRequest request(String path) {
    return api.request(path).timeout(Duration.ofSeconds(30)).GET().build();
  }

  private HttpResponse<String> send(HttpRequest req, int expect) throws IOException {
    try {
      HttpResponse<String> res = api.http.send(req, HttpResponse.BodyHandlers.ofString());
      if (expect > 0 && res.statusCode() != expect) {
        String message = res.body();
        try {
          message = Json.TOLERANT.readTree(res.body()).path("error").asText(res.body());
        } catch (IOException notJson) {
          // keep the raw body
        }
        throw new IOException("HTTP " + res.statusCode() + ": " + message);
      }
      return res;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
