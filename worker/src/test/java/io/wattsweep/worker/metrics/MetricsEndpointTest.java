package io.wattsweep.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wattsweep.worker.meter.FakeNvmlLibrary;
import io.wattsweep.worker.meter.nvml.Nvml;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's {@code /metrics} over HTTP, with the GPU sampler reading a fake libnvidia-ml through
 * the real NVML binding.
 */
@ExtendWith(VertxExtension.class)
class MetricsEndpointTest {
  private static final String UUID_0 = "GPU-fa4e0000-0000-4000-8000-000000000000";

  @TempDir Path dir;

  @Test
  void gpuWorkerServesEachGpusNvmlReadingsOnItsMetricsPort(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    FakeNvmlLibrary fake = FakeNvmlLibrary.build(dir);
    fake.configure("gpus=2;watts=300,150;limit_watts=350");
    var metrics = new WorkerMetrics("gpu-worker", "h200", System::nanoTime);
    var verticle =
        new MetricsVerticle(
            0,
            metrics,
            () ->
                GpuSampler.start(
                    Map.of(Nvml.LIBRARY_ENV, fake.file().toString()),
                    metrics,
                    Duration.ofMillis(100)));
    vertx
        .deployVerticle(verticle)
        .compose(
            id ->
                vertx.executeBlocking(
                    () -> {
                      String text =
                          awaitScrape(
                              verticle.port(), "wattsweep_gpu_energy_joules_total{gpu=\"1\"");
                      ctx.verify(
                          () -> {
                            String gpu0 =
                                "gpu=\"0\",job_id=\"\",method=\"nvml-energy-counter\","
                                    + "name=\"NVIDIA H200\",uuid=\""
                                    + UUID_0
                                    + "\",worker=\"gpu-worker\"";
                            assertEquals(
                                300.0,
                                WorkerMetricsTest.value(
                                    text, "wattsweep_gpu_power_watts{" + gpu0 + "}"));
                            assertEquals(
                                350.0,
                                WorkerMetricsTest.value(
                                    text,
                                    "wattsweep_gpu_power_limit_watts{"
                                        + "gpu=\"0\",name=\"NVIDIA H200\",uuid=\""
                                        + UUID_0
                                        + "\",worker=\"gpu-worker\"}"));
                            assertTrue(
                                text.contains("wattsweep_gpu_temperature_celsius{gpu=\"1\""), text);
                            assertTrue(
                                text.contains("wattsweep_gpu_sm_clock_hertz{gpu=\"0\""), text);
                            assertTrue(
                                text.contains("wattsweep_gpu_memory_used_bytes{gpu=\"0\""), text);
                            assertTrue(
                                text.contains("wattsweep_gpu_utilization_ratio{gpu=\"0\""), text);
                          });
                      return null;
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void cpuWorkerAnswersOnlyMetrics(Vertx vertx, VertxTestContext ctx) {
    var metrics = new WorkerMetrics("cpu-worker", "cpu", System::nanoTime);
    var verticle = new MetricsVerticle(0, metrics, Optional::empty);
    vertx
        .deployVerticle(verticle)
        .compose(
            id ->
                vertx.executeBlocking(
                    () -> {
                      var http = HttpClient.newHttpClient();
                      var ok =
                          http.send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:" + verticle.port() + "/metrics"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      var missing =
                          http.send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + verticle.port() + "/"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      ctx.verify(
                          () -> {
                            assertEquals(200, ok.statusCode());
                            assertTrue(
                                ok.body()
                                    .contains(
                                        "wattsweep_worker_busy{gpu_class=\"cpu\",worker=\"cpu-worker\"} 0"),
                                ok.body());
                            assertEquals(404, missing.statusCode());
                          });
                      return null;
                    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Scrapes until {@code expected} appears (the sampler's first readings), for 10 s at most. */
  private static String awaitScrape(int port, String expected) throws Exception {
    var http = HttpClient.newHttpClient();
    var last = new AtomicReference<String>("");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      var res =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .header("Accept", "text/plain")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      last.set(res.body());
      if (res.statusCode() == 200 && res.body().contains(expected)) {
        return res.body();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + expected + " in /metrics after 10 s:\n" + last.get());
  }
}
