package io.wattsweep.worker.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ParentWatchTest {

  @Test
  void aChangedParentIsNoticedAndOnlyThen() throws Exception {
    var parent = new AtomicLong(100);
    var orphaned = new CountDownLatch(1);
    ParentWatch.start(
        OptionalLong.of(100),
        () -> OptionalLong.of(parent.get()),
        Duration.ofMillis(10),
        orphaned::countDown);

    assertFalse(orphaned.await(100, TimeUnit.MILLISECONDS), "orphaned while the parent lives");
    parent.set(1);
    assertTrue(orphaned.await(2, TimeUnit.SECONDS), "the parent's change went unnoticed");
  }

  /** A job process whose worker is killed with SIGKILL ends itself. */
  @Test
  void aProcessWhoseParentIsKilledEndsItself() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String probe =
        String.join(
            " ",
            javaBin,
            "-cp",
            "'" + System.getProperty("java.class.path") + "'",
            "'" + Probe.class.getName() + "'");
    // bash stays the probe's parent (it waits), as a worker waits for its job's process.
    Process parent =
        new ProcessBuilder(
                "bash", "-c", ParentWatch.PARENT_PID + "=$$ " + probe + " & echo $!; wait")
            .redirectErrorStream(true)
            .start();
    long pid =
        Long.parseLong(
            new BufferedReader(
                    new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
                .readLine()
                .trim());
    ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
    Thread.sleep(1_500);
    assertTrue(child.isAlive(), "the probe ended before its parent did");

    parent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    long killed = System.nanoTime();
    while (child.isAlive() && System.nanoTime() - killed < 10_000_000_000L) {
      Thread.sleep(20);
    }

    // Without the watch the probe would live its whole minute; with it, it ends within a few
    // hundred ms on a quiet machine (it checks every 200 ms), longer when the cores are busy.
    long tookMs = (System.nanoTime() - killed) / 1_000_000;
    System.out.println("The orphaned probe ended " + tookMs + " ms after its parent was killed");
    assertTrue(tookMs < 10_000, "the orphaned probe took " + tookMs + " ms to end");
  }

  /** Watches its parent, then waits a minute: what a job process does while it trains. */
  static final class Probe {
    public static void main(String[] args) throws InterruptedException {
      ParentWatch.start();
      Thread.sleep(60_000);
    }
  }
}
