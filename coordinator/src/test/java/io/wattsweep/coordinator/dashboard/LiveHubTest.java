package io.wattsweep.coordinator.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.coordinator.metrics.CoordinatorMetrics;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The live stream as a browser's EventSource reads it, over a real HTTP connection. */
@ExtendWith(VertxExtension.class)
class LiveHubTest {
  private static final String JOB = "sw-20260101-000000-abcd-0123456789";
  private static final DeviceInfo GPU =
      new DeviceInfo(2, "gpu", "GPU-1234", "NVIDIA A100", "ampere", 400, "580");

  private Vertx vertx;
  private HttpServer server;
  private LiveHub hub;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    hub = new LiveHub(Clock.systemUTC(), new CoordinatorMetrics());
    Router router = Router.router(vertx);
    router.get("/api/v1/live").handler(hub::stream);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @Test
  void powerSamplesArePushedToConnectedClientsAsSoonAsTheyAreIngested() throws Exception {
    ingest(started(), power(1, 1_000, 312.5));
    BlockingQueue<Frame> frames = connect();
    Frame snapshot = frames.poll(5, TimeUnit.SECONDS);
    assertEquals("snapshot", snapshot.event());
    JsonObject run = snapshot.data().getJsonArray("runs").getJsonObject(0);
    assertEquals(JOB, run.getString("jobId"));
    assertEquals("NVIDIA A100", run.getJsonArray("devices").getJsonObject(0).getString("name"));
    assertEquals(
        312.5,
        run.getJsonArray("samples").getJsonArray(0).getDouble(1),
        "a page opened mid-run draws the power so far at once");

    ingest(power(2, 2_000, 355.0), batch(3, 2_100, 0));

    Frame power = frames.poll(5, TimeUnit.SECONDS);
    assertEquals("power", power.event());
    assertEquals(JOB, power.data().getString("jobId"));
    assertEquals(355.0, power.data().getDouble("watts"));
    assertEquals(2_000L, power.data().getLong("atMs"));
    assertEquals("nvml-energy-counter", power.data().getString("method"));
    Frame batch = frames.poll(5, TimeUnit.SECONDS);
    assertEquals("batch", batch.event());
    assertEquals(0, batch.data().getInteger("batchIndex"));
  }

  @Test
  void aRedeliveredEventIsNotPushedTwice() throws Exception {
    ingest(started());
    BlockingQueue<Frame> frames = connect();
    assertEquals("snapshot", frames.poll(5, TimeUnit.SECONDS).event());

    ingest(power(1, 1_000, 100.0));
    ingest(power(1, 1_000, 100.0), power(2, 2_000, 200.0));

    assertEquals(100.0, frames.poll(5, TimeUnit.SECONDS).data().getDouble("watts"));
    assertEquals(200.0, frames.poll(5, TimeUnit.SECONDS).data().getDouble("watts"));
    assertNull(frames.poll(500, TimeUnit.MILLISECONDS));
  }

  @Test
  void aSweepsLiveStatusHasEachRunningJobsBatchesAndLatestPower() {
    ingest(started(), power(1, 1_000, 250.0), batch(2, 1_100, 0), batch(3, 1_200, 1));

    List<LiveStatus.JobLive> jobs = hub.jobs(List.of(JOB, "sw-other-job"));

    assertEquals(1, jobs.size());
    LiveStatus.JobLive job = jobs.get(0);
    assertEquals("running", job.state());
    assertEquals(2, job.batchesDone());
    assertEquals(250.0, job.powerWatts());
    assertEquals("w1", job.workerId());
    assertFalse(job.estimate());
  }

  @Test
  void theDashboardIsServedFromTheJarAndFetchesNothingFromElsewhere() {
    DashboardAssets assets = DashboardAssets.load();
    for (String name : List.of("index.html", "dashboard.js", "dashboard.css")) {
      String text = assets.get(name).orElseThrow().body().toString(StandardCharsets.UTF_8);
      assertFalse(
          text.matches("(?s).*(src|href|url)\\s*[=(]\\s*[\"']?(https?:)?//.*"),
          name + " refers to another host");
      assertFalse(text.contains("import("), name);
    }
    String js = assets.get("dashboard.js").orElseThrow().body().toString(StandardCharsets.UTF_8);
    assertTrue(js.contains("new EventSource(\"/api/v1/live\")"), "live data comes over SSE");
  }

  private void ingest(RunEvent... events) {
    // The ingestor calls its listeners on its event loop; so does this test.
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(
        v -> {
          hub.ingested(List.of(events), System.currentTimeMillis(), 1000);
          done.complete();
        });
    done.future().await();
  }

  private static RunStarted started() {
    return new RunStarted(
        JOB,
        "run-1",
        0,
        500,
        "w1",
        "host",
        Precision.TF32,
        Precision.TF32,
        "",
        List.of(GPU),
        EnergyMethod.NVML_ENERGY_COUNTER,
        60.0,
        1,
        1,
        1,
        "test",
        null,
        null,
        null,
        null);
  }

  private static PowerSample power(long seq, long atMs, double watts) {
    return new PowerSample(JOB, "run-1", seq, atMs, watts, EnergyMethod.NVML_ENERGY_COUNTER);
  }

  private static BatchMeasured batch(long seq, long atMs, int index) {
    return new BatchMeasured(JOB, "run-1", seq, atMs, index, 100_000_000L, 30.0, 0.1, 0.5, 0.5);
  }

  record Frame(String event, JsonObject data) {}

  /** Opens the stream; frames arrive on the queue as a reader thread parses them. */
  private BlockingQueue<Frame> connect() throws Exception {
    var req =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.actualPort() + "/api/v1/live"))
            .header("Accept", "text/event-stream")
            .build();
    HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, res.statusCode());
    assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    BlockingQueue<Frame> frames = new ArrayBlockingQueue<>(100);
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line; (line = in.readLine()) != null; ) {
                  if (line.startsWith("event: ")) {
                    event = line.substring(7);
                  } else if (line.startsWith("data: ") && event != null) {
                    frames.add(new Frame(event, new JsonObject(line.substring(6))));
                    event = null;
                  }
                }
              } catch (Exception closed) {
                // the test is over
              }
            },
            "sse-reader");
    reader.setDaemon(true);
    reader.start();
    return frames;
  }
}
