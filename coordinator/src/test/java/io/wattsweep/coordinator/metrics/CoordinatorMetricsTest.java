package io.wattsweep.coordinator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.vertx.kafka.admin.ListOffsetsResultInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.common.spec.SweepSpec;
import io.wattsweep.coordinator.catalog.Catalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the coordinator's {@code /metrics} says, as a scraper reads it. */
class CoordinatorMetricsTest {
  private final CoordinatorMetrics metrics = new CoordinatorMetrics();

  @Test
  void ingestedEventsCountByTypeWithTheirDelayAndTheCatalogWrite() throws IOException {
    var sample =
        new PowerSample("sw-1-aaaaaaaaaa", "run-1", 1, 10_000, 40, EnergyMethod.TDP_ESTIMATE);
    var late = new PowerSample("sw-1-aaaaaaaaaa", "run-1", 2, 7_000, 41, EnergyMethod.TDP_ESTIMATE);
    metrics.ingested(List.of(sample, late), 10_040, 3_000_000);
    metrics.rejected("not JSON");

    String text = scrape();
    assertEquals(2.0, value(text, "wattsweep_events_ingested_total{type=\"power-sample\"}"));
    assertEquals(
        0.0,
        value(text, "wattsweep_events_ingested_total{type=\"run-started\"}"),
        "every type is there from the start, so rates see the first event");
    assertEquals(
        1.0,
        value(
            text,
            "wattsweep_event_ingest_delay_seconds_bucket{type=\"power-sample\",le=\"0.05\"}"));
    assertEquals(
        2.0,
        value(
            text, "wattsweep_event_ingest_delay_seconds_bucket{type=\"power-sample\",le=\"5.0\"}"));
    assertEquals(
        0.04 + 3.04,
        value(text, "wattsweep_event_ingest_delay_seconds_sum{type=\"power-sample\"}"),
        1e-9);
    assertEquals(0.003, value(text, "wattsweep_catalog_write_seconds_sum"), 1e-9);
    assertEquals(1.0, value(text, "wattsweep_events_rejected_total"));
  }

  @Test
  void sweepsAndJobsAreCountedByStateFromTheCatalog() throws IOException {
    String db =
        "jdbc:h2:mem:m" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    try (Catalog catalog = Catalog.open(db, "sa", "")) {
      var spec =
          new SweepSpec(
              "progress-test",
              "3dgan",
              0.25,
              List.of("cpu"),
              List.of(Precision.FP32),
              List.of(4, 8),
              List.of(1),
              1,
              3,
              new FullTraining(1000, 2),
              Map.of(),
              null,
              null,
              null);
      List<JobSpec> jobs = spec.expand("sw-progress");
      catalog.insertSweep("sw-progress", spec, "{}", jobs, 1_000, null);
      var cpu = new DeviceInfo(0, "cpu", "cpu-0", "test CPU", "amd64", 20, "");
      catalog.ingest(
          List.of(
              new RunStarted(
                  jobs.get(0).jobId(),
                  "run-1",
                  0,
                  2_000,
                  "w1",
                  "h",
                  Precision.FP32,
                  Precision.FP32,
                  "",
                  List.of(cpu),
                  EnergyMethod.TDP_ESTIMATE,
                  1.0,
                  1,
                  1,
                  1,
                  "test",
                  null,
                  null,
                  null,
                  null)),
          2_000);

      new CatalogGauges(null, catalog, metrics, null).refresh();

      String text = scrape();
      assertEquals(1.0, value(text, "wattsweep_sweeps{state=\"running\"}"));
      assertEquals(0.0, value(text, "wattsweep_sweeps{state=\"finished\"}"));
      assertEquals(1.0, value(text, "wattsweep_jobs{state=\"running\"}"));
      assertEquals(1.0, value(text, "wattsweep_jobs{state=\"queued\"}"));
      assertEquals(0.0, value(text, "wattsweep_jobs{state=\"completed\"}"));
      assertEquals(
          1.0,
          value(
              text,
              "wattsweep_sweep_jobs{state=\"queued\",sweep_id="
                  + "\"sw-progress\",sweep_name=\"progress-test\"}"));
    }
  }

  @Test
  void sweepsThatFallOutOfTheLatestLoseTheirProgressSeries() throws IOException {
    metrics.sweepJobs("sw-old", "old", Map.of("completed", 2));
    metrics.sweepJobs("sw-new", "new", Map.of("queued", 2));
    metrics.keepSweeps(java.util.Set.of("sw-new"));

    String text = scrape();
    assertFalse(text.contains("sw-old"), text);
    assertTrue(text.contains("sweep_id=\"sw-new\""), text);
  }

  @Test
  void lagIsEndMinusCommittedOverPartitionsFromTheEarliestWhereNothingIsCommitted() {
    var p0 = new TopicPartition("wattsweep.jobs.a100", 0);
    var p1 = new TopicPartition("wattsweep.jobs.a100", 1);
    var other = new TopicPartition("wattsweep.events", 0);
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        Map.of(
            p0,
            new ListOffsetsResultInfo(10, 0, null),
            p1,
            new ListOffsetsResultInfo(7, 0, null),
            other,
            new ListOffsetsResultInfo(1000, 0, null));
    Map<TopicPartition, ListOffsetsResultInfo> starts =
        Map.of(
            p0,
            new ListOffsetsResultInfo(0, 0, null),
            p1,
            new ListOffsetsResultInfo(2, 0, null),
            other,
            new ListOffsetsResultInfo(0, 0, null));

    assertEquals(
        4 + 5,
        ConsumerLag.lag(
            "wattsweep.jobs.a100", ends, starts, Map.of(p0, new OffsetAndMetadata(6, ""))));
    assertEquals(
        0,
        ConsumerLag.lag(
            "wattsweep.jobs.a100",
            ends,
            starts,
            Map.of(p0, new OffsetAndMetadata(10, ""), p1, new OffsetAndMetadata(7, ""))));
  }

  private String scrape() throws IOException {
    var out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static double value(String text, String series) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), "no sample " + series + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }
}
