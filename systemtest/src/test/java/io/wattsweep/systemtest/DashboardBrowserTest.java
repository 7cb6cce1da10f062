package io.wattsweep.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in dashboard in a real browser (headless Chromium) during a run: it draws the running
 * job's power from the live stream, lists the sweep and shows its jobs; once the job has completed,
 * its results and the report figure. The screenshots it saves, coordinator/target/dashboard.png
 * (during the run) and dashboard-finished.png, are for people to look at.
 */
class DashboardBrowserTest {
  static final Path SCREENSHOT = TestStack.root().resolve("coordinator/target/dashboard.png");
  static final Path FINISHED_SCREENSHOT =
      TestStack.root().resolve("coordinator/target/dashboard-finished.png");

  /** What the page shows, read in the page. */
  private static final String PAGE_STATE =
      """
      JSON.stringify({
        stream: document.body.dataset.stream,
        liveSamples: +document.body.dataset.liveSamples,
        points: Math.max(0, ...[...document.querySelectorAll('canvas.power-chart')]
            .map(c => +c.dataset.points)),
        charts: [...document.querySelectorAll('.device .title')].map(e => e.textContent),
        watts: [...document.querySelectorAll('.device .watts')].map(e => e.textContent),
        sweeps: [...document.querySelectorAll('#sweeps li')].map(e => e.dataset.sweep),
        title: document.getElementById('sweep-title').textContent,
        rows: [...document.querySelectorAll('#results tbody tr')].map(r => r.innerText),
        latenciesMs: window.wattsweepLatenciesMs.slice()
      })""";

  @Test
  void dashboardDrawsTheRunningJobsPowerFromTheLiveStream() throws Exception {
    Path chromium = HeadlessChromium.binary();
    assertNotNull(
        chromium,
        "this test needs headless Chromium: apt-get install chromium"
            + " (./wattsweep test installs it)");
    TestStack stack = TestStack.get();
    MonitoredWorker worker = MonitoredWorker.get();
    String sweepId =
        MonitoredWorker.submit(
            stack,
            """
        name: browser-test
        model: 3dgan
        scale: 0.25
        gpuClass: [%s]
        precision: [fp32]
        batchSize: [4]
        gpus: [1]
        warmupBatches: 1
        measuredBatches: 100
        """
                .formatted(MonitoredWorker.GPU_CLASS));
    awaitLivePower(stack, sweepId, Duration.ofSeconds(120));

    String url = "http://127.0.0.1:" + stack.port + "/dashboard/#" + sweepId;
    JsonNode page;
    JsonNode later;
    try (var browser = HeadlessChromium.open(chromium, url, 1400, 1000)) {
      page = awaitPage(browser, Duration.ofSeconds(60));
      Thread.sleep(2000); // a few more seconds of line on the chart
      later = Json.MAPPER.readTree(browser.eval(PAGE_STATE).asText());
      browser.screenshot(SCREENSHOT);
    }

    assertEquals("live", page.get("stream").asText(), page.toString());
    assertTrue(
        page.get("liveSamples").asInt() > 0, "samples pushed after the page opened: " + page);
    assertTrue(page.get("points").asInt() > 0, "points drawn on the chart: " + page);
    assertTrue(
        page.get("charts").toString().contains("NVIDIA H200"),
        "the chart names the device: " + page);
    assertTrue(page.get("watts").toString().contains("100"), "the fake GPU draws 100 W: " + page);
    assertTrue(page.get("sweeps").toString().contains(sweepId), page.toString());
    assertEquals("browser-test", page.get("title").asText());
    assertTrue(page.get("rows").get(0).asText().contains("running"), page.toString());
    assertTrue(Files.size(SCREENSHOT) > 20_000, "a screenshot with something in it");
    // Not asserted, a benchmark (see BENCHMARKS.md): sample taken -> arrived in the page.
    List<Long> latencies = new ArrayList<>();
    later.get("latenciesMs").forEach(n -> latencies.add(n.asLong()));
    Collections.sort(latencies);
    System.out.println(
        "Live power in the page, sample taken -> received, ms: n="
            + latencies.size()
            + " p50="
            + latencies.get(latencies.size() / 2)
            + " max="
            + latencies.get(latencies.size() - 1));
    worker.awaitFinished(stack, sweepId, Duration.ofMinutes(3));

    // Once the job has completed: the live status says so, and the report figure is served.
    JsonNode live = Json.MAPPER.readTree(stack.get("/api/v1/sweeps/" + sweepId + "/live").body());
    assertEquals("completed", live.at("/jobs/0/state").asText(), live.toString());
    assertEquals(100, live.at("/jobs/0/batchesDone").asInt(), live.toString());
    var figure = stack.get("/dashboard/sweeps/" + sweepId + "/report/energy-per-batch.svg");
    assertEquals(200, figure.statusCode(), figure.body());
    var power = stack.get("/dashboard/sweeps/" + sweepId + "/report/power.svg");
    assertEquals(200, power.statusCode(), power.body());
    assertTrue(power.body().contains("class=\"run\""), "a strip per run: " + power.body());
    assertEquals("image/svg+xml", figure.headers().firstValue("Content-Type").orElse(""));
    assertTrue(figure.body().contains("<svg"), figure.body());
    assertEquals(404, stack.get("/dashboard/sweeps/" + sweepId + "/report/../../x").statusCode());
    assertEquals(302, stack.get("/").statusCode(), "/ leads to the dashboard");

    // The finished sweep in the page: its results and its report figure.
    try (var browser = HeadlessChromium.open(chromium, url, 1400, 1500)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String shown = "";
      while (System.nanoTime() < deadline) {
        try {
          shown =
              browser
                  .eval(
                      "(() => { const f = document.getElementById('report-figure');"
                          + " return !document.getElementById('report').hidden && f.complete"
                          + " && f.naturalWidth > 0 ? document.querySelector('#results tbody tr').innerText"
                          + " : ''; })()")
                  .asText();
        } catch (IllegalStateException loading) {
          shown = "";
        }
        if (!shown.isEmpty()) {
          break;
        }
        Thread.sleep(250);
      }
      assertTrue(shown.contains("completed"), "the finished job's row: " + shown);
      assertTrue(shown.contains(" J"), "energy per batch is shown: " + shown);
      assertTrue(shown.contains("4 per GPU, 4 global"), "the batch says what it counts: " + shown);
      String powerLink = browser.eval("document.getElementById('report-power').href").asText();
      assertTrue(
          powerLink.contains("/dashboard/sweeps/" + sweepId + "/report/power.svg"), powerLink);
      browser.screenshot(FINISHED_SCREENSHOT);
    }
  }

  private static JsonNode awaitPage(HeadlessChromium browser, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode page = null;
    while (System.nanoTime() < deadline) {
      try {
        page = Json.MAPPER.readTree(browser.eval(PAGE_STATE).asText());
        if (page.get("liveSamples").asInt() > 0
            && page.get("points").asInt() > 0
            && page.get("rows").size() > 0) {
          return page;
        }
      } catch (IllegalStateException notYet) {
        // the page is still loading
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the dashboard showed no live power within " + timeout + ": " + page);
  }

  /** Waits until the coordinator has heard a power sample of the sweep's running job. */
  private static void awaitLivePower(TestStack stack, String sweepId, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode live = Json.MAPPER.readTree(stack.get("/api/v1/sweeps/" + sweepId + "/live").body());
      for (JsonNode job : live.path("jobs")) {
        if (job.hasNonNull("powerWatts") && "running".equals(job.path("state").asText())) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no live power for sweep " + sweepId + " within " + timeout);
  }
}
