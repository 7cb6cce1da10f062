package io.wattsweep.systemtest.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The longer version of {@link FaultInjectionTest}, run by hand: a sweep of more command jobs and
 * rounds of faults drawn at random (seeded), each while a run is mid-way. Prints the faults
 * injected and survived (the API showed a batch measured after each), the runs lost (jobs not
 * COMPLETED), the duplicates counted (COMPLETED runs beyond one per job), the time to recover from
 * each kind of fault, and every broken invariant; asserts nothing, as a bench.
 *
 * <p>Run: {@code ./mvnw -o -pl systemtest test -Dtest=FaultBench -Dgroups=bench
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}. Options: {@code -Dbench.dbs=h2}
 * (default h2,postgresql), {@code -Dbench.rounds=N} (faults, default 12), {@code -Dbench.seed=N}
 * (default 1).
 */
@Tag("bench")
class FaultBench {
  static Stream<String> databases() {
    return Arrays.stream(System.getProperty("bench.dbs", "h2,postgresql").split(","));
  }

  @ParameterizedTest
  @MethodSource("databases")
  void randomFaultsInRounds(String db) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 12);
    var random = new Random(Long.getLong("bench.seed", 1));
    List<Fault> faults = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      faults.add(Fault.values()[random.nextInt(Fault.values().length)]);
    }
    long start = System.nanoTime();
    Findings found;
    try (FaultStack stack = FaultStack.start(db)) {
      found =
          new FaultScenario(stack, Duration.ofSeconds(90L * rounds + 120))
              .run(2 * rounds + 2, faults);
    }
    System.out.printf(
        "%nFaultBench on %s, %d rounds in %.0f s; faults drawn %s%n",
        db, rounds, (System.nanoTime() - start) / 1e9, faults);
    System.out.printf(
        "faults injected: %d of %d; survived: %d; runs lost: %d;" + " duplicates counted: %d%n",
        found.injected().size(),
        rounds,
        found.recoveries().size(),
        found.runsLost(),
        found.duplicates());
    for (Fault f : Fault.values()) {
      List<Double> seconds =
          found.recoveries().stream()
              .filter(r -> r.fault() == f)
              .map(r -> r.time().toMillis() / 1000.0)
              .sorted()
              .toList();
      if (!seconds.isEmpty()) {
        int n = seconds.size();
        double median = (seconds.get((n - 1) / 2) + seconds.get(n / 2)) / 2;
        System.out.printf(
            "time to recover from %s (%d): median %.1f s, max %.1f s, all %s%n",
            f, n, median, seconds.get(n - 1), seconds);
      }
    }
    System.out.println(found);
  }
}
