package io.wattsweep.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.cli.ServiceProcess;
import io.wattsweep.worker.WorkerMain;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): how long after a power sample is taken (its {@code atMs}, on the job
 * process's clock) it reaches a client of the dashboard's live stream ({@code /api/v1/live}),
 * measured on one machine so both ends read the same clock. It starts what the tests start (a local
 * Kafka broker, a coordinator over in-memory H2, a CPU worker process), subscribes to the stream,
 * runs a sweep and prints the percentiles. See BENCHMARKS.md.
 *
 * <pre>
 * ./mvnw -q install -DskipTests &amp;&amp; ./mvnw -q -pl systemtest test-compile
 * java -Dwattsweep.root=$PWD -cp "systemtest/target/test-classes:$(cat systemtest/target/classpath.txt)" \
 *   io.wattsweep.systemtest.LiveLatencyBench [--sample-ms 250] [--batch-sizes 2,4,8] \
 *   [--measured-batches 60] [--hold]
 * </pre>
 *
 * {@code --hold} keeps everything running afterwards, with the dashboard's address printed, until
 * the process is stopped.
 */
public final class LiveLatencyBench {
  private LiveLatencyBench() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    String sampleMs = option(a, "--sample-ms", "250");
    String batchSizes = option(a, "--batch-sizes", "2,4,8");
    String measured = option(a, "--measured-batches", "60");
    boolean hold = a.contains("--hold");

    TestStack stack = TestStack.get();
    var env = new HashMap<>(stack.kafkaEnv());
    env.put("WATTSWEEP_GPU_CLASS", "cpu");
    env.put("WATTSWEEP_POWER_SAMPLE_INTERVAL_MS", sampleMs);
    env.put("WATTSWEEP_IDLE_BASELINE_MS", "300");
    env.put("WATTSWEEP_JOB_HEAP_MB", "1024");
    env.put("WATTSWEEP_METRICS_PORT", "0");
    env.put("WATTSWEEP_ARTIFACT_STORE", "file:" + stack.dir.resolve("artifacts"));
    ServiceProcess worker =
        ServiceProcess.start(
            Installation.current(),
            Program.WORKER,
            WorkerMain.class.getName(),
            env,
            stack.dir.resolve("bench-worker.log"),
            "256m");
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
    String base = "http://127.0.0.1:" + stack.port;
    System.out.println("Dashboard at " + base + "/dashboard/");

    var toClient = Collections.synchronizedList(new ArrayList<Long>());
    var toCatalog = Collections.synchronizedList(new ArrayList<Long>());
    var batchToClient = Collections.synchronizedList(new ArrayList<Long>());
    HttpResponse<InputStream> stream =
        stack.http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/live")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    Thread reader =
        new Thread(() -> read(stream.body(), toClient, toCatalog, batchToClient), "sse-reader");
    reader.setDaemon(true);
    reader.start();

    var res =
        stack.post(
            """
        name: live-latency-bench
        model: 3dgan
        scale: 0.25
        gpuClass: [cpu]
        precision: [fp32]
        batchSize: [%s]
        gpus: [1]
        warmupBatches: 1
        measuredBatches: %s
        """
                .formatted(batchSizes, measured),
            "application/yaml");
    String sweepId = Json.MAPPER.readTree(res.body()).get("sweepId").asText();
    System.out.println("Sweep " + sweepId + ": " + res.body());
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    while (!Json.MAPPER
        .readTree(stack.get("/api/v1/sweeps/" + sweepId).body())
        .path("finished")
        .asBoolean()) {
      if (System.nanoTime() > deadline || !worker.isAlive()) {
        throw new IllegalStateException("sweep not finished; see " + worker.log());
      }
      Thread.sleep(500);
    }
    Thread.sleep(1000);
    System.out.printf(
        Locale.ROOT,
        "machine: %d cores, %s %s, Java %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
    report("power sample taken -> received by an SSE client", toClient);
    report("power sample taken -> in the catalog (coordinator's clock)", toCatalog);
    report("batch measured -> received by an SSE client", batchToClient);
    if (hold) {
      System.out.println("Holding; the dashboard stays at " + base + "/dashboard/ (Ctrl-C ends)");
      Thread.sleep(Long.MAX_VALUE);
    }
    System.exit(0);
  }

  private static void read(
      InputStream body, List<Long> toClient, List<Long> toCatalog, List<Long> batchToClient) {
    try (var in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String event = null;
      for (String line; (line = in.readLine()) != null; ) {
        long now = System.currentTimeMillis();
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && event != null) {
          JsonNode data = Json.MAPPER.readTree(line.substring(6));
          if (event.equals("power")) {
            long ms = now - data.get("atMs").asLong();
            if (ms > 250) {
              System.out.println(
                  "slow power sample: "
                      + ms
                      + " ms, seq "
                      + data.get("seq")
                      + " of run "
                      + data.get("runId").asText()
                      + ", in the catalog after "
                      + (data.get("ingestedAtMs").asLong() - data.get("atMs").asLong())
                      + " ms");
            }
            toClient.add(ms);
            toCatalog.add(data.get("ingestedAtMs").asLong() - data.get("atMs").asLong());
          } else if (event.equals("batch")) {
            batchToClient.add(now - data.get("atMs").asLong());
          }
          event = null;
        }
      }
    } catch (Exception e) {
      System.err.println("live stream ended: " + e);
    }
  }

  private static void report(String what, List<Long> millis) {
    List<Long> sorted;
    synchronized (millis) {
      sorted = new ArrayList<>(millis);
    }
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      System.out.println(what + ": no samples");
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%s: n=%d p50=%d ms p90=%d ms p99=%d ms max=%d ms%n",
        what,
        sorted.size(),
        pct(sorted, 50),
        pct(sorted, 90),
        pct(sorted, 99),
        sorted.get(sorted.size() - 1));
  }

  private static long pct(List<Long> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static String option(List<String> args, String name, String dflt) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : dflt;
  }
}
