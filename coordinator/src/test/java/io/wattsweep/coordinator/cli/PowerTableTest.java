package io.wattsweep.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattsweep.coordinator.catalog.PowerTrace;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerTableTest {
  @Test
  void bucketsShowMeanLeastAndMostAndAnEstimateSaysSo() {
    var trace =
        new PowerTrace(
            "r1",
            12_000,
            true,
            List.of("tdp-estimate"),
            true,
            30_000,
            List.of(
                new PowerTrace.Point(5_000, 34_900, 300, 41.25, 12, 80.5),
                new PowerTrace.Point(35_000, 60_000, 250, 50, 50, 50)));

    assertEquals(
        List.of(
            "Power of run r1: 12000 samples in buckets of 30.0 s",
            "from    to      samples  mean    min     max",
            "0.0 s   29.9 s  300      41.3 W  12.0 W  80.5 W",
            "30.0 s  55.0 s  250      50.0 W  50.0 W  50.0 W",
            "method: tdp-estimate (estimate: not a measurement)",
            "past the run's first 6,000 events one sample in 10 is stored, with the count, least,"
                + " most and mean of those it stands for",
            "Times are seconds from the first sample. A run's energy figures are its meter's, over each"
                + " batch; they are not taken from these samples."),
        PowerTable.format(trace).lines().map(String::stripTrailing).toList());
  }

  @Test
  void aRunWithoutSamplesSaysSo() {
    var trace = new PowerTrace("r1", 0, false, List.of(), false, 0, List.of());

    assertEquals(
        List.of(
            "Power of run r1: 0 samples",
            "from  to  samples  mean  min  max",
            "(no power samples stored for this run)"),
        PowerTable.format(trace).lines().map(String::stripTrailing).toList());
  }
}
