package io.wattsweep.coordinator.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {
  @TempDir static Path dir;

  private static Tokens tokens() throws IOException {
    return Tokens.load(
        Files.writeString(
            dir.resolve("tokens"), Tokens.hash(Tokens.newToken()) + " read someone\n"));
  }

  @ParameterizedTest(name = "{0} {1} needs {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      GET    | /health                                 | open
      GET    | /metrics                                | open
      GET    | /dashboard/login                        | open
      POST   | /dashboard/login                        | open
      GET    | /                                       | read
      GET    | /dashboard/                             | read
      GET    | /api/v1/live                            | read
      GET    | /api/v1/sweeps                          | read
      HEAD   | /api/v1/runs                            | read
      GET    | /api/v1/no-such-route                   | read
      POST   | /api/v1/sweeps                          | submit
      PUT    | /api/v1/models/3dgan/aliases/production | admin
      DELETE | /api/v1/models/3dgan/aliases/production | admin
      POST   | /api/v1/sweeps/sw-1                     | admin
      POST   | /metrics                                | admin
      """)
  void readsNeedReadSubmittingNeedsSubmitAndEveryOtherWriteAdmin(
      String method, String path, String role) throws IOException {
    var policy = new AccessPolicy(tokens(), true, false);
    assertEquals(
        role.equals("open") ? Optional.empty() : Optional.of(Role.parse(role)),
        policy.required(HttpMethod.valueOf(method), path));
  }

  @Test
  void metricsAndTheDashboardOpenOnlyWhereTheOperatorSaysSo() throws IOException {
    var closed = new AccessPolicy(tokens(), false, false);
    var open = new AccessPolicy(tokens(), true, true);

    assertEquals(Optional.of(Role.READ), closed.required(HttpMethod.GET, "/metrics"));
    for (String path :
        new String[] {
          "/",
          "/dashboard/",
          "/dashboard/dashboard.js",
          "/api/v1/live",
          "/api/v1/sweeps",
          "/api/v1/sweeps/sw-1",
          "/api/v1/sweeps/sw-1/live",
          "/dashboard/sweeps/sw-1/report/report.html"
        }) {
      assertEquals(Optional.of(Role.READ), closed.required(HttpMethod.GET, path), path);
      assertEquals(Optional.empty(), open.required(HttpMethod.GET, path), path);
    }
    // The dashboard reads; it never opens a write, nor the API's other reads.
    assertEquals(Optional.of(Role.SUBMIT), open.required(HttpMethod.POST, "/api/v1/sweeps"));
    assertEquals(Optional.of(Role.READ), open.required(HttpMethod.GET, "/api/v1/runs"));
  }

  @Test
  void withoutTokensEveryRequestIsOpen() {
    var none = new AccessPolicy(null, false, false);
    assertEquals(Optional.empty(), none.required(HttpMethod.POST, "/api/v1/sweeps"));
    assertEquals(
        Optional.empty(), none.required(HttpMethod.PUT, "/api/v1/models/3dgan/aliases/production"));
  }
}
