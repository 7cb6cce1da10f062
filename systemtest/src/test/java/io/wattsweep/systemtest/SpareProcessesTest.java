package io.wattsweep.systemtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.Topics;
import io.wattsweep.coordinator.TestStack;
import io.wattsweep.coordinator.cli.ServiceProcess;
import io.wattsweep.worker.run.JobProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A GPU worker process keeps a job process ready on each of its GPUs before any job comes, and the
 * next as each run starts; its jobs start on them; nothing it started outlives a kill -9 of it. Its
 * class's jobs topic is made with the coordinator's partitions as the worker appears, not by the
 * broker on the worker's first use (with one partition).
 */
class SpareProcessesTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  private SleepingWorkers workers;

  @AfterEach
  void stopWorkers() {
    if (workers != null) {
      workers.close();
    }
  }

  @Test
  void jobsStartOnSpareProcessesAndAKilledWorkerLeavesNoneBehind() throws Exception {
    TestStack stack = TestStack.get();
    workers = new SleepingWorkers(stack, 3);
    ServiceProcess worker = workers.startOnGpus("spares", "spares", 2);
    workers.await("a spare on each GPU", WAIT, () -> jobProcesses(worker).size() == 2);

    String sweepId = workers.submit(3, "spares", "1");
    workers.await(
        "the sweep finished", WAIT, () -> stack.catalog.sweep(sweepId).orElseThrow().finished());
    assertTrue(
        workers.runs(sweepId).stream().allMatch(r -> r.state().equals("COMPLETED")),
        "runs: " + workers.runs(sweepId));
    assertEquals(
        3,
        SleepingWorkers.timesLogged(worker, "(a spare, started ahead)"),
        "every job on a ready process; log: " + worker.log());

    workers.await("the spares waiting again", WAIT, () -> jobProcesses(worker).size() == 2);
    List<ProcessHandle> spares = jobProcesses(worker);
    worker.kill();
    workers.await(
        "the spares gone after their worker",
        WAIT,
        () -> spares.stream().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void aWorkersClassGetsItsJobsTopicWithTheCoordinatorsPartitionsBeforeAnySweepNamesIt()
      throws Exception {
    TestStack stack = TestStack.get();
    workers = new SleepingWorkers(stack, 3);
    workers.startOnGpus("unnamed", "unnamed", 1);
    String topic = Topics.jobs("unnamed");
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers()))) {
      workers.await(
          "the topic " + topic + " made",
          WAIT,
          () -> admin.listTopics().names().get().contains(topic));
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      assertEquals(stack.jobPartitions(), partitions, "partitions of " + topic);
    }
  }

  /** The worker's job processes: spares waiting, or jobs running. */
  private static List<ProcessHandle> jobProcesses(ServiceProcess worker) {
    return worker.handle().children().filter(SpareProcessesTest::isJobProcess).toList();
  }

  /** From its command line in /proc: the JDK's process info leaves out one as long as theirs. */
  private static boolean isJobProcess(ProcessHandle p) {
    try {
      String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      return List.of(cmdline.split("\0")).contains(JobProcess.class.getName());
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }
}
