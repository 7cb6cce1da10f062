package io.wattsweep.worker.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real processes (sleep) stand for job processes: what matters is which are kept and stopped. */
class SpareProcessesTest {
  private static final List<String> GPU0 = List.of("0");
  private static final Recipe FULL = new Recipe(64, false, Map.of("CUDA_VISIBLE_DEVICES", "0"));
  private static final Recipe LIGHT = new Recipe(64, true, Map.of("CUDA_VISIBLE_DEVICES", "0"));

  private final List<ProcessJobLauncher.Started> started = new ArrayList<>();
  private final List<Integer> archiveExits = new CopyOnWriteArrayList<>();
  private final SpareProcesses spares = new SpareProcesses(this::start);

  private ProcessJobLauncher.Started start(Recipe recipe) throws IOException {
    Process p = new ProcessBuilder("sleep", "60").start();
    var s =
        new ProcessJobLauncher.Started(
            p,
            recipe,
            new JobClassArchive.Launch("", List.of(), exit -> archiveExits.add(exit)),
            new ErrorTail(p.getErrorStream(), 1));
    started.add(s);
    return s;
  }

  @AfterEach
  void stopAll() {
    started.forEach(s -> s.process().destroyForcibly());
  }

  @Test
  void aSpareServesAJobItsRecipeServesAndIsTakenOnce() {
    spares.offer(GPU0, FULL);
    spares.offer(GPU0, FULL);
    assertEquals(1, started.size(), "one spare per set of GPUs");

    var taken = spares.take(GPU0, LIGHT);

    assertTrue(taken.isPresent());
    assertSame(started.get(0), taken.get());
    assertTrue(taken.get().process().isAlive());
    assertTrue(spares.take(GPU0, LIGHT).isEmpty(), "taken once");
  }

  @Test
  void aSpareThatCannotServeTheJobIsStoppedAndKeepsNoClassArchive() throws Exception {
    spares.offer(GPU0, LIGHT);

    assertTrue(spares.take(GPU0, FULL).isEmpty(), "a light JVM does not run a built-in model");

    Process p = started.get(0).process();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the spare is stopped");
    awaitExitSeen();
    assertEquals(List.of(-1), archiveExits);
    assertTrue(spares.take(GPU0, LIGHT).isEmpty(), "no spare left for those GPUs");
  }

  @Test
  void aSpareOnOtherGpusIsNotTakenAndStays() {
    spares.offer(List.of("1"), FULL);

    assertTrue(spares.take(GPU0, FULL).isEmpty());
    assertTrue(started.get(0).process().isAlive());
    assertTrue(spares.take(List.of("1"), FULL).isPresent(), "still kept for its own GPUs");
  }

  @Test
  void aSpareThatDiedIsNotHandedOut() throws Exception {
    spares.offer(GPU0, FULL);
    started.get(0).process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    assertTrue(spares.take(GPU0, FULL).isEmpty());
  }

  @Test
  void closedSparesAreStoppedAndNoneStartsAfter() throws Exception {
    spares.offer(GPU0, FULL);
    spares.offer(List.of("1"), FULL);

    spares.close();
    spares.offer(List.of("2"), FULL);

    assertEquals(2, started.size(), "none started after close");
    for (var s : started) {
      assertTrue(s.process().waitFor(10, TimeUnit.SECONDS));
    }
    assertFalse(spares.take(GPU0, FULL).isPresent());
    assertFalse(spares.take(List.of("1"), FULL).isPresent());
  }

  /** The archive hears of a stopped spare's exit asynchronously. */
  private void awaitExitSeen() throws InterruptedException {
    for (int i = 0; i < 100 && archiveExits.isEmpty(); i++) {
      Thread.sleep(50); // the exit is reported on another thread: nothing to wait on but time
    }
  }
}
