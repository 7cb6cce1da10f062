package io.wattsweep.systemtest;

import io.wattsweep.common.Topics;
import io.wattsweep.coordinator.CoordinatorConfig;
import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.catalog.RunRow;
import io.wattsweep.coordinator.cli.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.ConsumerGroupState;

/**
 * Benchmark (not a test): how jobs flow to free workers, with sleeping command jobs through the
 * real broker, a coordinator (in this JVM, over in-memory H2) and worker processes. It measures the
 * overhead per job (one worker running jobs one after another: makespan / jobs - job); (a) the
 * makespan of J equal jobs on W workers against the ideal and against 1.15 times the ideal plus
 * that overhead per wave (the target); (b) the time from a worker being ready (joined and
 * polling) to a queued job's run starting on it while another worker is mid-job; (c) jobs per
 * worker in (a); (d) the time from kill -9 of a busy worker to its job's run starting on another;
 * (e) the same from SIGTERM; (f) the makespan of four 1-GPU jobs on one worker that owns four
 * (fake) GPUs. The overhead and (a) run on workers that own one (fake) GPU each ({@code --on gpu},
 * the default: what a GPU cluster runs, spare job processes on by default) or on CPU workers
 * ({@code --on cpu}). See BENCHMARKS.md.
 *
 * <pre>
 * ./mvnw -q install -DskipTests &amp;&amp; ./mvnw -q -pl systemtest test-compile
 * java -Dwattsweep.root=$PWD -cp "systemtest/target/test-classes:$(cat systemtest/target/classpath.txt)" \
 *   io.wattsweep.systemtest.QueueBench [--jobs 12] [--workers 4] [--job-seconds 6] [--rounds 3] [--overhead-jobs 4] [--on gpu|cpu]
 * </pre>
 */
public final class QueueBench {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final String GPU_CLASS = "gpu1";

  private QueueBench() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    int jobs = Integer.parseInt(option(a, "--jobs", "12"));
    int workerCount = Integer.parseInt(option(a, "--workers", "4"));
    double jobSeconds = Double.parseDouble(option(a, "--job-seconds", "6"));
    int rounds = Integer.parseInt(option(a, "--rounds", "3"));
    int overheadJobs = Integer.parseInt(option(a, "--overhead-jobs", "4"));
    boolean onGpus =
        switch (option(a, "--on", "gpu")) {
          case "gpu" -> true;
          case "cpu" -> false;
          default -> throw new IllegalArgumentException("--on must be gpu or cpu");
        };
    String jobClass = onGpus ? GPU_CLASS : "cpu";
    // The product's partitions per jobs topic (the tests' stack has 2): they bound how many free
    // workers hold a partition at once, so fewer than the workers would make them wait.
    int partitions = CoordinatorConfig.fromEnv(Map.of(), List.of()).jobPartitions();
    TestStack stack = TestStack.get(partitions);
    System.out.printf(
        Locale.ROOT,
        "jobs topics: %d partitions (the default); overhead and (a) on %s workers%n",
        partitions,
        onGpus ? "1-GPU (fake NVML)" : "CPU");

    double overhead;
    try (var workers = new SleepingWorkers(stack, jobSeconds)) {
      ServiceProcess one = start(workers, "sequential", onGpus);
      workers.await("the worker ready", WAIT, () -> allReady(List.of(one)));
      // Two jobs first, untimed: the first sweep pays for the coordinator's and the broker's
      // first use (class loading, JIT, topic metadata), and the first job process of each kind
      // (the worker's first spare, then the next) for writing its class-data archive as it exits,
      // once per build and machine: no per-job overhead.
      runSweep(stack, workers, () -> workers.submit(2, jobClass, "1"));
      // A sweep ends when its last run's end is stored, a moment before that run's process has
      // exited: the timed jobs must not wait for it.
      workers.await("the untimed job's process gone", WAIT, () -> idle(one));
      double makespan =
          runSweep(stack, workers, () -> workers.submit(overheadJobs, jobClass, "1")).seconds();
      overhead = makespan / overheadJobs - jobSeconds;
      System.out.printf(
          Locale.ROOT,
          "overhead per job: %.2f s (%d jobs of %.1f s, one after"
              + " another on one worker, in %.1f s)%n",
          overhead,
          overheadJobs,
          jobSeconds,
          makespan);
    }

    try (var workers = new SleepingWorkers(stack, jobSeconds)) {
      List<ServiceProcess> started = new ArrayList<>();
      for (int i = 0; i < workerCount; i++) {
        started.add(start(workers, "makespan-" + i, onGpus));
      }
      workers.await("all workers ready", WAIT, () -> allReady(started));
      awaitGroup(stack, workers, jobClass, workerCount, partitions);
      Finished run = runSweep(stack, workers, () -> workers.submit(jobs, jobClass, "1"));
      double makespan = run.seconds();
      String sweep = run.sweepId();
      int waves = (jobs + workerCount - 1) / workerCount;
      double ideal = waves * jobSeconds;
      double target = 1.15 * waves * (jobSeconds + overhead);
      Map<String, Long> perWorker =
          new TreeMap<>(
              workers.runs(sweep).stream()
                  .collect(Collectors.groupingBy(RunRow::workerId, Collectors.counting())));
      System.out.printf(
          Locale.ROOT,
          "(a) %d jobs of %.1f s on %d workers: makespan %.1f s,"
              + " ideal %.1f s (%.2fx); target 1.15 x %d waves x (job + overhead) = %.1f s: %s%n",
          jobs,
          jobSeconds,
          workerCount,
          makespan,
          ideal,
          makespan / ideal,
          waves,
          target,
          makespan <= target ? "met" : "not met");
      System.out.println("(c) jobs per worker: " + perWorker);
      started.forEach(ServiceProcess::close);
    }

    try (var workers = new SleepingWorkers(stack, jobSeconds)) {
      ServiceProcess packed = workers.startOnGpus("packed", "packed", 4);
      workers.await("the worker ready", WAIT, () -> allReady(List.of(packed)));
      double makespan = runSweep(stack, workers, () -> workers.submit(4, "packed", "1")).seconds();
      System.out.printf(
          Locale.ROOT,
          "(f) 4 jobs of 1 GPU on a worker with 4 GPUs: makespan %.1f s"
              + " (one job and its overhead: %.1f s)%n",
          makespan,
          jobSeconds + overhead);
    }

    for (int round = 1; round <= rounds; round++) {
      try (var workers = new SleepingWorkers(stack, Math.max(jobSeconds, 12))) {
        System.out.printf(
            Locale.ROOT,
            "(b) round %d: ready to run started %.2f s%n",
            round,
            joinLatency(stack, workers, round));
      }
      try (var workers = new SleepingWorkers(stack, Math.max(jobSeconds, 12))) {
        System.out.println(
            "(d) round " + round + ": kill -9 to " + takeOverAfter(workers, "kill" + round, true));
      }
      try (var workers = new SleepingWorkers(stack, Math.max(jobSeconds, 12))) {
        System.out.println(
            "(e) round " + round + ": SIGTERM to " + takeOverAfter(workers, "term" + round, false));
      }
    }
    System.exit(0);
  }

  /**
   * Waits until the workers' group is stable with {@code members} members holding all {@code
   * partitions}: workers that have been in their group a while, as a sweep finds them, rather than
   * still joining when it arrives.
   */
  private static void awaitGroup(
      TestStack stack, SleepingWorkers workers, String jobClass, int members, int partitions)
      throws Exception {
    String group = Topics.workerGroup(jobClass);
    Map<String, Object> settings =
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers());
    try (Admin admin = Admin.create(settings)) {
      workers.await(
          "the workers' group stable with " + members + " members",
          WAIT,
          () -> {
            var d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            // Cooperative rebalancing moves partitions in a second round after a stable first
            // one: stable means every member holds its share, and every partition is held.
            int held = 0;
            boolean eachHolds = true;
            for (var m : d.members()) {
              held += m.assignment().topicPartitions().size();
              eachHolds &= !m.assignment().topicPartitions().isEmpty();
            }
            return d.state() == ConsumerGroupState.STABLE
                && d.members().size() == members
                && eachHolds
                && held == partitions;
          });
    }
  }

  /** A worker of one (fake) GPU of the bench's GPU class, or a CPU worker. */
  private static ServiceProcess start(SleepingWorkers workers, String name, boolean onGpus)
      throws Exception {
    return onGpus ? workers.startOnGpus(name, GPU_CLASS, 1) : workers.start(name);
  }

  /** A sweep that has finished, and the seconds from its submission to its end. */
  private record Finished(String sweepId, double seconds) {}

  /** Submits a sweep and waits for its end. */
  private static Finished runSweep(TestStack stack, SleepingWorkers workers, Submission submit)
      throws Exception {
    long t0 = System.currentTimeMillis();
    String sweep = submit.sweepId();
    workers.await(
        "the sweep finished", WAIT, () -> stack.catalog.sweep(sweep).orElseThrow().finished());
    return new Finished(sweep, (System.currentTimeMillis() - t0) / 1e3);
  }

  /** One worker busy, a second job queued; a new worker's ready time to that job's start. */
  private static double joinLatency(TestStack stack, SleepingWorkers workers, int round)
      throws Exception {
    String sweep = workers.submit(2);
    workers.start("busy-" + round);
    workers.await("a job running", WAIT, () -> running(workers, sweep).size() == 1);
    ServiceProcess joining = workers.start("joining-" + round);
    workers.await("the second job running", WAIT, () -> running(workers, sweep).size() == 2);
    long ready = SleepingWorkers.readyAtMs(joining);
    long started =
        workers.runs(sweep).stream()
            .filter(r -> r.workerId().equals("flow-joining-" + round))
            .mapToLong(RunRow::startedAtMs)
            .findFirst()
            .orElseThrow();
    workers.await(
        "the sweep finished", WAIT, () -> stack.catalog.sweep(sweep).orElseThrow().finished());
    return (started - ready) / 1e3;
  }

  /**
   * A job on one of two workers; that one is killed or stopped. Returns the seconds from the fault
   * to the other worker starting the job's process (its log), and to the new run's start event
   * (after the job's JVM has started and opened its meter).
   */
  private static String takeOverAfter(SleepingWorkers workers, String name, boolean kill)
      throws Exception {
    String sweep = workers.submit(1);
    var first = workers.start(name + "-a");
    var second = workers.start(name + "-b");
    workers.await("both workers ready", WAIT, () -> allReady(List.of(first, second)));
    workers.await("the job running", WAIT, () -> running(workers, sweep).size() == 1);
    String busyId = running(workers, sweep).get(0).workerId();
    ServiceProcess busy = busyId.equals("flow-" + name + "-a") ? first : second;
    ServiceProcess other = busy == first ? second : first;
    long faultAt = System.currentTimeMillis();
    if (kill) {
      busy.kill();
    } else {
      busy.close();
    }
    workers.await(
        "the job running again",
        WAIT,
        () -> running(workers, sweep).stream().anyMatch(r -> !r.workerId().equals(busyId)));
    long restarted =
        running(workers, sweep).stream()
            .filter(r -> !r.workerId().equals(busyId))
            .mapToLong(RunRow::startedAtMs)
            .findFirst()
            .orElseThrow();
    long processStarted = SleepingWorkers.loggedAtMs(other, "started in process");
    // Nothing left running for the next scenario's workers to take over.
    workers.await(
        "the sweep finished",
        WAIT,
        () -> TestStack.get().catalog.sweep(sweep).orElseThrow().finished());
    return String.format(
        Locale.ROOT,
        "job process started elsewhere %.2f s, run started %.2f s",
        (processStarted - faultAt) / 1e3,
        (restarted - faultAt) / 1e3);
  }

  @FunctionalInterface
  private interface Submission {
    String sweepId() throws Exception;
  }

  private static List<RunRow> running(SleepingWorkers workers, String sweep) {
    return workers.runs(sweep).stream().filter(r -> r.state().equals("RUNNING")).toList();
  }

  /** Whether every job process the worker started has exited (its log says so). */
  private static boolean idle(ServiceProcess worker) throws Exception {
    return SleepingWorkers.timesLogged(worker, "started in process")
        == SleepingWorkers.timesLogged(worker, "process exited with");
  }

  private static boolean allReady(List<ServiceProcess> workers) throws Exception {
    for (ServiceProcess w : workers) {
      if (SleepingWorkers.readyAtMs(w) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String option(List<String> args, String name, String fallback) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
  }
}
