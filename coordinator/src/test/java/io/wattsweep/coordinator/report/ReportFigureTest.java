package io.wattsweep.coordinator.report;

import static io.wattsweep.common.spec.BatchSemantics.GLOBAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.BatchSemantics;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import io.wattsweep.coordinator.report.Figure.Panel;
import io.wattsweep.coordinator.report.Figure.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which runs the panels show, and how. */
class ReportFigureTest {
  private final Figure study = FigureBuilder.build(ReportFixtures.studySweep());

  @Test
  void panelsHoldTheOtherSettingsAtTheConfigurationWithMostRuns() {
    assertEquals(
        List.of("at batch size 8, 1 GPU", "at fp32, 1 GPU", "at fp32, batch size 8"),
        study.panels().stream().map(Panel::subtitle).toList());
    assertEquals(List.of("8", "16"), study.panels().get(1).categories());
    assertEquals(List.of("1", "2"), study.panels().get(2).categories());
    // Every series has a point at every place on every panel here, and never two.
    for (Panel p : study.panels()) {
      long places =
          p.points().stream().map(pt -> List.of(pt.series(), pt.category())).distinct().count();
      assertEquals(p.points().size(), places, p.title());
    }
  }

  @Test
  void aPerGpuSweepSaysItsBatchIsPerGpu() {
    List<JobView> jobs =
        ReportFixtures.studySweep().jobs().stream()
            .map(
                j ->
                    new JobView(
                        j.jobId(),
                        j.model(),
                        j.scale(),
                        j.gpuClass(),
                        j.precision(),
                        j.batchSize(),
                        BatchSemantics.PER_GPU,
                        j.gpus(),
                        j.state(),
                        j.attempts(),
                        j.message(),
                        j.run()))
            .toList();

    Figure f = FigureBuilder.build(ReportFixtures.sweep("s", "per GPU", jobs, true));

    assertEquals(
        List.of(
            "at batch size 8 per GPU, 1 GPU", "at fp32, 1 GPU", "at fp32, batch size 8 per GPU"),
        f.panels().stream().map(Panel::subtitle).toList());
    assertEquals("batch size per GPU (samples)", f.panels().get(1).xLabel());
    assertEquals(FigureBuilder.BATCH_AXIS, study.panels().get(1).xLabel());
  }

  @Test
  void precisionAxisNamesThePrecisionThatRan() {
    Panel precision = study.panels().get(0);
    assertEquals(List.of("fp32", "bf16→fp32", "bf16"), precision.categories());
    int v100 = 1;
    assertEquals(
        List.of(0, 1),
        precision.points().stream()
            .filter(p -> p.series() == v100)
            .map(Point::category)
            .sorted()
            .toList());
    Point ranAsFp32 =
        precision.points().stream()
            .filter(p -> p.series() == v100 && p.category() == 1)
            .findFirst()
            .orElseThrow();
    assertEquals(ReportFixtures.joules("v100", "bf16", 8, 1), ranAsFp32.joules());
    assertTrue(study.footnotes().stream().anyMatch(n -> n.contains("a→b")));
  }

  @Test
  void estimatesAreMarkedAndNamed() {
    Point estimate =
        study.panels().get(1).points().stream()
            .filter(p -> p.series() == 1 && p.category() == 1)
            .findFirst()
            .orElseThrow();
    assertTrue(estimate.estimate());
    assertEquals("tdp-estimate", estimate.method());
    assertTrue(study.footnotes().contains("Hollow markers: tdp-estimate: modelled, not measured."));
  }

  @Test
  void failedRunsAndRunsWithoutFiguresAreLeftOutAndRunsWithoutIntervalHaveNoBar() {
    JobView ok = ReportFixtures.job("a100", "fp32", 8, 1);
    JobView oom = ReportFixtures.job("a100", "fp32", 16, 2);
    JobView b16 =
        new JobView(
            "j-b16", "3dgan", 0.25, "a100", "fp32", 16, GLOBAL, 1, "FAILED", 0, null, oom.run());
    JobView running =
        new JobView(
            "j-b32",
            "3dgan",
            0.25,
            "a100",
            "fp32",
            32,
            GLOBAL,
            1,
            "RUNNING",
            0,
            null,
            new RunView(
                "r-b32",
                "RUNNING",
                "w1",
                "fp32",
                "",
                null,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                ReportFixtures.UNSAID));
    RunView r = ok.run();
    JobView noCi =
        new JobView(
            "j-b64",
            "3dgan",
            0.25,
            "a100",
            "fp32",
            64,
            GLOBAL,
            1,
            "COMPLETED",
            0,
            null,
            new RunView(
                "r-b64",
                "COMPLETED",
                "w1",
                "fp32",
                "",
                "nvml-energy-counter",
                false,
                1,
                0.5,
                160.0,
                null,
                Double.NaN,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                ReportFixtures.UNSAID));
    JobView nanEnergy =
        new JobView(
            "j-b128",
            "3dgan",
            0.25,
            "a100",
            "fp32",
            128,
            GLOBAL,
            1,
            "COMPLETED",
            0,
            null,
            new RunView(
                "r-b128",
                "COMPLETED",
                "w1",
                "fp32",
                "",
                "rapl",
                false,
                1,
                0.5,
                Double.NaN,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                ReportFixtures.UNSAID));
    Figure f =
        FigureBuilder.build(
            ReportFixtures.sweep(
                "s", "edge cases", List.of(ok, b16, running, noCi, nanEnergy), false));

    Panel batch = f.panels().get(1);
    assertEquals(List.of("8", "16", "32", "64", "128"), batch.categories());
    assertEquals(List.of(0, 3), batch.points().stream().map(Point::category).toList());
    assertEquals(r.energyPerBatchCi95Joules(), batch.points().get(0).ci95Joules());
    assertEquals(0.0, batch.points().get(1).ci95Joules());
    assertFalse(new Chart(f).svg().contains("NaN"));
  }

  @Test
  void aSweepWithoutResultsGivesEmptyPanelsThatSaySo() {
    Figure f =
        FigureBuilder.build(
            ReportFixtures.sweep(
                "s",
                "waiting",
                List.of(
                    new JobView(
                        "j", "3dgan", 0.25, "a100", "fp32", 8, GLOBAL, 1, "QUEUED", 0, null, null)),
                false));
    assertEquals(3, f.panels().size());
    f.panels().forEach(p -> assertTrue(p.points().isEmpty()));
    assertTrue(f.footnotes().stream().anyMatch(n -> n.contains("Not drawn") && n.contains("a100")));
    assertTrue(new Chart(f).svg().contains("no runs to show"));
  }

  @Test
  void yAxisTicksAreRoundAndInAReadableUnit() {
    Chart.Axis small = Chart.Axis.linear(0.0123);
    assertEquals("J", small.unit());
    assertEquals(
        List.of("0.000", "0.002", "0.004", "0.006", "0.008", "0.010", "0.012", "0.014"),
        small.ticks().stream().map(small::label).toList());
    Chart.Axis large = Chart.Axis.linear(46.3e6);
    assertEquals("MJ", large.unit());
    assertEquals("50", large.label(50e6));
    assertTrue(large.max() >= 46.3e6);
  }

  @Test
  void valuesSpanningDecadesGetALogarithmicAxis() {
    var gpuAndCpu =
        List.of(
            new Point(0, 0, 8, 0.5, false, "nvml-energy-counter"),
            new Point(1, 0, 900, 40, true, "tdp-estimate"));
    Chart.Axis axis = Chart.Axis.of(gpuAndCpu);
    assertTrue(axis.log());
    assertEquals(List.of(5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0), axis.ticks());
    assertEquals(
        List.of("5", "10", "20", "50", "100", "200", "500", "1000"),
        axis.ticks().stream().map(axis::label).toList());
    assertEquals(0.0, axis.fraction(5));
    assertEquals(1.0, axis.fraction(1000));

    var close =
        List.of(
            new Point(0, 0, 8, 0.5, false, "rapl"),
            new Point(1, 0, 8 * Chart.LOG_RATIO - 1, 0, false, "rapl"));
    assertFalse(Chart.Axis.of(close).log());
    assertEquals(0.0, Chart.Axis.of(close).min());
  }
}
