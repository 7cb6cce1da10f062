package io.wattsweep.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.catalog.RunRow;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker process that owns four (fake) GPUs packs jobs of one and two GPUs on them through the
 * real broker: runs overlap, and runs that overlap never share a GPU, as the job processes' own
 * NVML device inventories (from their {@code CUDA_VISIBLE_DEVICES}) show.
 */
class PackedGpusTest {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final String GPU_CLASS = "packed";

  private SleepingWorkers workers;

  @AfterEach
  void stopWorkers() {
    if (workers != null) {
      workers.close();
    }
  }

  @Test
  void aWorkerWithFourGpusRunsJobsSideBySideEachOnGpusOfItsOwn() throws Exception {
    TestStack stack = TestStack.get();
    workers = new SleepingWorkers(stack, 12);
    // Two jobs of 1 GPU and two of 2: 6 GPUs asked of a worker that owns 4.
    String sweepId = workers.submit(2, GPU_CLASS, "1, 2");
    workers.startOnGpus("packed", GPU_CLASS, 4);

    workers.await(
        "the sweep finished", WAIT, () -> stack.catalog.sweep(sweepId).orElseThrow().finished());

    List<RunRow> runs = workers.runs(sweepId);
    assertEquals(4, runs.size(), "runs: " + runs);
    assertTrue(runs.stream().allMatch(r -> r.state().equals("COMPLETED")), "runs: " + runs);
    Map<String, Run> byId = runs(stack, sweepId);
    for (RunRow r : runs) {
      assertEquals(
          r.gpus(),
          byId.get(r.runId()).devices().size(),
          "devices of run " + r.runId() + ": " + byId.get(r.runId()));
    }
    List<Run> all = new ArrayList<>(byId.values());
    int overlapping = 0;
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        Run a = all.get(i);
        Run b = all.get(j);
        if (a.startedAtMs() < b.endedAtMs() && b.startedAtMs() < a.endedAtMs()) {
          overlapping++;
          Set<Integer> shared = new HashSet<>(a.devices());
          shared.retainAll(b.devices());
          assertTrue(
              shared.isEmpty(), "runs that overlap share GPUs " + shared + ": " + a + " and " + b);
        }
      }
    }
    assertTrue(overlapping > 0, "no two runs ran side by side: " + all);
  }

  /** A run's span and the GPU indexes its job process metered. */
  private record Run(String runId, long startedAtMs, long endedAtMs, Set<Integer> devices) {}

  private static Map<String, Run> runs(TestStack stack, String sweepId) throws Exception {
    Map<String, Run> out = new HashMap<>();
    try (var c = DriverManager.getConnection(stack.jdbcUrl, "sa", "");
        var ps =
            c.prepareStatement(
                "SELECT r.run_id, r.started_at_ms, r.ended_at_ms,"
                    + " d.device_index FROM runs r JOIN jobs j ON j.job_id = r.job_id"
                    + " JOIN run_devices d ON d.run_id = r.run_id WHERE j.sweep_id = ?")) {
      ps.setString(1, sweepId);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          Run run = out.computeIfAbsent(rs.getString(1), id -> new Run(id, 0, 0, new HashSet<>()));
          run = new Run(run.runId(), rs.getLong(2), rs.getLong(3), run.devices());
          run.devices().add(rs.getInt(4));
          out.put(run.runId(), run);
        }
      }
    }
    return out;
  }
}
