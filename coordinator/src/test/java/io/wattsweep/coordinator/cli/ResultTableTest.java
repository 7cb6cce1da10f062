package io.wattsweep.coordinator.cli;

import static io.wattsweep.common.spec.BatchSemantics.GLOBAL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

  private static JobView job(int batch, RunProtocol protocol, int measured) {
    var run =
        new RunView(
            "r-" + batch,
            "COMPLETED",
            "w1",
            "fp32",
            "",
            "rapl",
            false,
            measured,
            0.5,
            10.0,
            0.5,
            0.3,
            8.0,
            1.0,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            protocol);
    return new JobView(
        "j-" + batch, "3dgan", 0.25, "cpu", "fp32", batch, GLOBAL, 1, "COMPLETED", 0, null, run);
  }

  /** The cells of the table's rows, header first, split on the columns' padding. */
  private static List<List<String>> cells(String table) {
    return Arrays.stream(table.split("\n"))
        .skip(1)
        .limit(3)
        .map(line -> Arrays.asList(line.split(" {2,}")))
        .toList();
  }

  @Test
  void eachRowSaysItsWarmUpBatchesIntervalAndWhichIdleNetSubtracted() {
    var sweep =
        new SweepView(
            "sw-1",
            "t",
            "3dgan",
            0,
            true,
            Map.of("COMPLETED", 2),
            List.of(
                job(4, new RunProtocol(2.0, "job-ready", 9, true, 0.03), 10),
                job(8, new RunProtocol(null, "no-job", 30, false, 0.0149), 57)));

    List<List<String>> rows = cells(ResultTable.render(sweep));

    List<String> header = rows.get(0);
    int warmUp = header.indexOf("warm-up");
    int batches = header.indexOf("batches");
    int net = header.indexOf("net of idle");
    assertEquals(
        List.of("9 settled", "10 (±3.0%)", "8.000 J (job-ready)"),
        List.of(rows.get(1).get(warmUp), rows.get(1).get(batches), rows.get(1).get(net)));
    assertEquals(
        List.of("30 not settled", "57 (±1.5%)", "8.000 J (no-job)"),
        List.of(rows.get(2).get(warmUp), rows.get(2).get(batches), rows.get(2).get(net)));
  }

  @Test
  void aPerGpuBatchIsShownWithTheGlobalBatchItMakes() {
    var perGpu =
        new JobView(
            "j-pg",
            "3dgan",
            0.25,
            "a100",
            "fp32",
            64,
            BatchSemantics.PER_GPU,
            4,
            "QUEUED",
            0,
            null,
            null);
    var global =
        new JobView("j-g", "3dgan", 0.25, "a100", "fp32", 256, GLOBAL, 4, "QUEUED", 0, null, null);
    var sweep =
        new SweepView("sw-1", "t", "3dgan", 0, false, Map.of("QUEUED", 2), List.of(perGpu, global));

    List<List<String>> rows = cells(ResultTable.render(sweep));

    int batch = rows.get(0).indexOf("batch");
    assertEquals(
        List.of("3dgan@0.25 a100 fp32 x4", "64 per GPU, 256 global"),
        List.of(rows.get(1).get(0), rows.get(1).get(batch)));
    assertEquals("256 global, 64 per GPU", rows.get(2).get(batch));
  }
}
