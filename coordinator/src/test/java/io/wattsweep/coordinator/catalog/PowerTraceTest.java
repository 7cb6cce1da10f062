package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A run's power trace read back from the catalog, whole or in buckets, on H2 and PostgreSQL. */
class PowerTraceTest {
  @AfterAll
  static void dropSchemas() throws Exception {
    TestCatalogs.dropSchemas();
  }

  static Stream<String> databases() {
    return TestCatalogs.databases();
  }

  private static JobSpec store(Catalog catalog) {
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
    return job;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aShortTraceIsEverySampleOfTheRunInOrder(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);
      var events = new ArrayList<RunEvent>();
      for (int i = 5; i >= 1; i--) {
        events.add(
            new PowerSample(
                job.jobId(), "r1", i, 1_000 + 100 * i, 10.0 * i, EnergyMethod.NVML_ENERGY_COUNTER));
        events.add(
            new PowerSample(job.jobId(), "r2", i, 1_000 + 100 * i, 999, EnergyMethod.TDP_ESTIMATE));
      }
      catalog.ingest(events, 2_000);

      PowerTrace trace = catalog.powerTrace("r1", 100).orElseThrow();

      assertEquals(5, trace.samples());
      assertEquals(0, trace.bucketMs());
      assertEquals(List.of("nvml-energy-counter"), trace.methods());
      assertFalse(trace.estimate(), "the other run's estimated samples are not this run's");
      assertFalse(trace.decimated());
      assertEquals(
          List.of(10.0, 20.0, 30.0, 40.0, 50.0),
          trace.points().stream().map(PowerTrace.Point::meanWatts).toList());
      PowerTrace.Point p = trace.points().get(2);
      assertEquals(new PowerTrace.Point(1_300, 1_300, 1, 30, 30, 30), p);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aLongTraceComesInBucketsThatKeepEachBucketsMeanLeastAndMost(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);
      var events = new ArrayList<RunEvent>();
      for (int i = 0; i < 100; i++) {
        double watts = i == 55 ? 500 : 10.0 * (i % 10);
        events.add(new PowerSample(job.jobId(), "r1", i, 10L * i, watts, EnergyMethod.RAPL));
      }
      catalog.ingest(events, 2_000);

      PowerTrace trace = catalog.powerTrace("r1", 10).orElseThrow();

      assertEquals(100, trace.bucketMs(), "991 ms of samples in at most 10 buckets");
      assertEquals(10, trace.points().size());
      for (int b = 0; b < 10; b++) {
        PowerTrace.Point p = trace.points().get(b);
        assertEquals(100L * b, p.fromMs());
        assertEquals(100L * b + 90, p.toMs());
        assertEquals(10, p.samples());
        assertEquals(0, p.minWatts(), 1e-9);
        assertEquals(b == 5 ? 500 : 90, p.maxWatts(), 1e-9, "the spike survives the buckets");
        assertEquals(b == 5 ? (450 - 50 + 500) / 10.0 : 45, p.meanWatts(), 1e-9);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aTraceSaysWhenItIsAnEstimateAndWhenItWasDecimated(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);
      long first = SampleDecimation.FULL_RATE_EVENTS - 5;
      var events = new ArrayList<RunEvent>();
      for (long seq = first; seq < first + 30; seq++) {
        events.add(new PowerSample(job.jobId(), "r1", seq, seq, 20, EnergyMethod.TDP_ESTIMATE));
      }
      catalog.ingest(events, 2_000);

      PowerTrace trace = catalog.powerTrace("r1", 1_000).orElseThrow();

      assertTrue(trace.decimated());
      assertTrue(trace.estimate());
      assertEquals(List.of("tdp-estimate"), trace.methods());
      assertEquals(5 + 3, trace.points().size(), "past the full-rate events, one row in ten");
      assertEquals(
          5 + 1 + 10 + 10,
          trace.samples(),
          "6010 and 6020 each stand for ten;" + " 6021-6024 wait for 6030");
    }
  }

  /** Samples of seqs {@code from} to {@code to} (10 ms apart), 100 W but 700 W at seq 6013. */
  private static List<RunEvent> samples(JobSpec job, long from, long to) {
    var events = new ArrayList<RunEvent>();
    for (long seq = from; seq <= to; seq++) {
      events.add(
          new PowerSample(
              job.jobId(), "r1", seq, 10 * seq, seq == 6013 ? 700 : 100, EnergyMethod.RAPL));
    }
    return events;
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theSamplesDecimationLeavesOutAreFoldedIntoTheStoredOneThatFollowsThem(String db)
      throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);
      catalog.ingest(samples(job, 5995, 6015), 2_000);
      // A redelivery of 6012-6015 in the next batch counts once.
      catalog.ingest(samples(job, 6012, 6034), 3_000);

      PowerTrace trace = catalog.powerTrace("r1", 1_000).orElseThrow();

      // Stored: 5995-5999 and 6000 alone; 6010, 6020 and 6030 each for ten. 6031-6034 wait for
      // 6040, which has not come.
      assertEquals(
          List.of(59_950L, 59_960L, 59_970L, 59_980L, 59_990L, 60_000L, 60_100L, 60_200L, 60_300L),
          trace.points().stream().map(PowerTrace.Point::fromMs).toList());
      assertEquals(5 + 1 + 3 * 10, trace.samples());
      assertEquals(
          new PowerTrace.Point(60_200, 60_200, 10, 160, 100, 700),
          trace.points().get(7),
          "the spike at 6013, left out, is in 6020's most and mean");
      assertEquals(new PowerTrace.Point(60_100, 60_100, 10, 100, 100, 100), trace.points().get(6));

      PowerTrace one = catalog.powerTrace("r1", 1).orElseThrow();
      assertEquals(1, one.points().size());
      PowerTrace.Point all = one.points().get(0);
      assertEquals(36, all.samples());
      assertEquals(700, all.maxWatts());
      assertEquals((35 * 100 + 700) / 36.0, all.meanWatts(), 1e-9, "weighed by samples");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aBatchWrittenAgainAfterADuplicateKeyFoldsItsSamplesOnce(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);
      catalog.ingest(samples(job, 5995, 6015), 2_000);
      // 6010 is stored already: the first try fails on its key, and the batch is written again
      // with look-ups. 6011-6015 were folded by the first batch: the failed try's changes to
      // that fold must be undone, not the fold lost.
      var again = new ArrayList<>(samples(job, 6010, 6010));
      again.addAll(samples(job, 6016, 6020));
      catalog.ingest(again, 3_000);

      PowerTrace trace = catalog.powerTrace("r1", 1_000).orElseThrow();
      PowerTrace.Point last = trace.points().get(trace.points().size() - 1);
      assertEquals(new PowerTrace.Point(60_200, 60_200, 10, 160, 100, 700), last);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void anUnknownRunHasNoTraceAndARunWithoutSamplesAnEmptyOne(String db) throws Exception {
    try (Catalog catalog = TestCatalogs.open(db)) {
      JobSpec job = store(catalog);
      catalog.ingest(
          List.of(
              new io.wattsweep.common.event.BatchMeasured(
                  job.jobId(), "r1", 1, 2_000, 0, 1_000_000L, 1.0, 0.01, 0.5, 0.5)),
          2_000);

      assertEquals(Optional.empty(), catalog.powerTrace("r-nope", 10));
      PowerTrace trace = catalog.powerTrace("r1", 10).orElseThrow();
      assertEquals(0, trace.samples());
      assertEquals(List.of(), trace.points());
      assertEquals(List.of(), trace.methods());
    }
  }
}
