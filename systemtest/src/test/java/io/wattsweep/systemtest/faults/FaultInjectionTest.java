package io.wattsweep.systemtest.faults;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A system test: a broker, a coordinator and a worker as processes, a sweep of six command jobs,
 * and each fault in turn while a run is mid-way; then each job has exactly one COMPLETED run with
 * all its batches, no run is left RUNNING, no job process outlived its worker, and the restarted
 * coordinator still showed all it had shown before its kill. The coordinator's kill comes last: it
 * and the worker's kill each stall the system for Kafka's 45 s session timeout, and the jobs left
 * run through the coordinator's stall. The two databases' cases run side by side, since most of
 * their time is that waiting. The longer version, random faults in rounds, is {@link FaultBench}.
 */
class FaultInjectionTest {
  private static final List<Fault> FAULTS =
      List.of(Fault.WORKER_TERM, Fault.BROKER_KILL, Fault.WORKER_KILL, Fault.COORDINATOR_KILL);

  @ParameterizedTest
  @Execution(ExecutionMode.CONCURRENT)
  @ValueSource(strings = {"h2", "postgresql"})
  void everyJobCompletesOnceThroughKillsOfEachProcess(String db) throws Exception {
    Findings found;
    String logs;
    try (FaultStack stack = FaultStack.start(db)) {
      logs = stack.logs();
      found = new FaultScenario(stack, Duration.ofMinutes(5)).run(6, FAULTS);
    }
    System.out.println("Fault injection on " + db + ":\n" + found);
    Function<String, Executable> holds =
        invariant ->
            () ->
                assertEquals(
                    List.of(),
                    found.broken().get(invariant),
                    db + ": " + invariant + "\n" + found + logs);
    Executable recovered =
        () ->
            assertEquals(
                FAULTS,
                found.recoveries().stream().map(Findings.Recovery::fault).toList(),
                db + ": faults recovered from\n" + found + logs);
    assertAll(Stream.concat(found.broken().keySet().stream().map(holds), Stream.of(recovered)));
  }
}
