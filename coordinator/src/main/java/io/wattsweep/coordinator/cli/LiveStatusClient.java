package io.wattsweep.coordinator.cli;

import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.dashboard.LiveStatus;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads {@code GET /api/v1/sweeps/{id}/live} for the terminal's progress bar. Live figures are a
 * nicety: any failure (an older coordinator, a timeout) reads as "nothing live", never an error.
 */
final class LiveStatusClient {
  private final ApiConnection api;

  LiveStatusClient(ApiConnection api) {
    this.api = api;
  }

  /** The coordinator's URL, without a trailing slash. */
  String base() {
    return api.base;
  }

  Optional<LiveStatus> fetch(String sweepId) {
    var req =
        api.request("/api/v1/sweeps/" + sweepId + "/live")
            .timeout(Duration.ofSeconds(2))
            .GET()
            .build();
    try {
      HttpResponse<String> res = api.http.send(req, HttpResponse.BodyHandlers.ofString());
      return res.statusCode() == 200
          ? Optional.of(Json.TOLERANT.readValue(res.body(), LiveStatus.class))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
