package io.wattsweep.worker.job;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.worker.process.JobLauncher;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Plays a whole run without training: RunStarted, the measured batches, RunCompleted. */
record PlayedRunLauncher(int batches) implements JobLauncher {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Override
  public Outcome run(JobSpec job, String runId, List<String> gpus, Consumer<RunEvent> onEvent) {
    onEvent.accept(started(job, runId));
    for (int i = 0; i < batches; i++) {
      onEvent.accept(batch(job, runId, i + 1, i));
    }
    onEvent.accept(completed(job, runId, batches + 1, batches));
    return new Outcome(0, false, "");
  }

  static RunStarted started(JobSpec job, String runId) {
    return new RunStarted(
        job.jobId(),
        runId,
        0,
        NOW.toEpochMilli(),
        "test-worker",
        "test-host",
        job.precision(),
        job.precision(),
        "",
        List.of(),
        EnergyMethod.TDP_ESTIMATE,
        20.0,
        1,
        1,
        1,
        "fake",
        null,
        null,
        null,
        null);
  }

  static BatchMeasured batch(JobSpec job, String runId, long seq, int index) {
    return new BatchMeasured(
        job.jobId(), runId, seq, NOW.toEpochMilli(), index, 1_000_000, 2.5, 0.001, 0.7, 1.4);
  }

  static RunCompleted completed(JobSpec job, String runId, long seq, int batches) {
    return new RunCompleted(
        job.jobId(),
        runId,
        seq,
        NOW.toEpochMilli(),
        batches,
        batches * 1_000_000L,
        batches * 2.5,
        20.0,
        EnergyMethod.TDP_ESTIMATE,
        null,
        null,
        null,
        null);
  }
}
