package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A long run's power samples are stored at full rate first, then one in ten. */
class SampleDecimationTest {
  @Test
  void longRunKeepsEverySampleAtFirstThenOneInTenWhateverTheOrderOrRepeats() throws Exception {
    String url =
        "jdbc:h2:mem:d" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    try (Catalog catalog = Catalog.open(url, "sa", "");
        var sql = DriverManager.getConnection(url, "sa", "")) {
      var spec =
          new SweepSpec(
              "t",
              "3dgan",
              0.25,
              List.of("cpu"),
              List.of(Precision.FP32),
              List.of(4),
              List.of(1),
              1,
              3,
              new FullTraining(1000, 2),
              Map.of(),
              null,
              null,
              null);
      JobSpec job = spec.expand("sw-1").get(0);
      catalog.insertSweep("sw-1", spec, "{}", List.of(job), 1_000, null);
      long first = SampleDecimation.FULL_RATE_EVENTS - 25;
      List<RunEvent> samples = new ArrayList<>();
      for (long seq = first; seq < first + 50; seq++) {
        samples.add(new PowerSample(job.jobId(), "r1", seq, seq, 100, EnergyMethod.RAPL));
      }
      Collections.shuffle(samples, new java.util.Random(7));

      catalog.ingest(samples.subList(0, 30), 2_000);
      catalog.ingest(samples, 3_000);

      var stored = new ArrayList<Long>();
      try (var rs =
          sql.createStatement().executeQuery("SELECT seq FROM power_samples" + " ORDER BY seq")) {
        while (rs.next()) {
          stored.add(rs.getLong(1));
        }
      }
      List<Long> expected =
          LongStream.range(first, first + 50)
              .filter(seq -> seq < SampleDecimation.FULL_RATE_EVENTS || seq % 10 == 0)
              .boxed()
              .toList();
      assertEquals(25 + 3, expected.size());
      assertEquals(expected, stored);
    }
  }
}
