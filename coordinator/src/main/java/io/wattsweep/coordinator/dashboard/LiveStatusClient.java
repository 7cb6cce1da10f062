package io.wattsweep.coordinator.dashboard;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads {@code GET /api/v1/sweeps/{id}/live} for the terminal's progress bar. Live figures are a
 * nicety: any failure (an older coordinator, a timeout) reads as "nothing live", never an error.
 */
public final class LiveStatusClient {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  /** @param base the coordinator's URL, as {@code http://host:port} */
  public LiveStatusClient(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** The coordinator's URL, without a trailing slash. */
  public String base() {
    return base;
  }

  public Optional<LiveStatus> fetch(String sweepId) {
    var req = HttpRequest.newBuilder(URI.create(base + "/api/v1/sweeps/" + sweepId + "/live"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    try {
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
      return res.statusCode() == 200
          ? Optional.of(JSON.readValue(res.body(), LiveStatus.class))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
