package io.wattsweep.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.worker.cli.MeterOptions.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeterOptionsTest {
  @Test
  void optionsThenTheCommandAfterTheSeparator() {
    MeterOptions o =
        MeterOptions.parse(
            "--gpus",
            "0, GPU-abc",
            "--interval-ms=50",
            "--json",
            "out/m.json",
            "--",
            "python3",
            "train.py",
            "--epochs",
            "3");
    assertEquals(Optional.of(List.of("0", "GPU-abc")), o.gpus());
    assertEquals(Duration.ofMillis(50), o.interval());
    assertEquals(Optional.of(Path.of("out/m.json")), o.json());
    assertEquals(List.of("python3", "train.py", "--epochs", "3"), o.command());
  }

  @Test
  void defaultsAndACommandWithoutSeparator() {
    MeterOptions o = MeterOptions.parse("sleep", "2");
    assertEquals(Optional.empty(), o.gpus());
    assertEquals(Duration.ofMillis(100), o.interval());
    assertEquals(List.of("sleep", "2"), o.command());
  }

  @Test
  void badArgumentsAreNamed() {
    assertMessage("no command to run", "--gpus", "0", "--");
    assertMessage("--interval-ms must be >= 1: 0", "--interval-ms", "0", "--", "true");
    assertMessage("whole number of milliseconds: 'fast'", "--interval-ms", "fast", "--", "x");
    assertMessage("unknown option: --gpu", "--gpu", "0", "--", "true");
    assertMessage("--gpus has an empty entry: '0,,1'", "--gpus", "0,,1", "--", "true");
    assertMessage("--json needs a value", "--json");
  }

  private static void assertMessage(String expected, String... args) {
    UsageException e = assertThrows(UsageException.class, () -> MeterOptions.parse(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
