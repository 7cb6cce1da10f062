package io.wattsweep.worker.run;

import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.artifact.ArtifactStore;
import io.wattsweep.worker.meter.PowerMeters;
import io.wattsweep.worker.process.ParentWatch;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;

/**
 * The entry point of a job's own process: reads the job from standard input, runs it, writes its
 * events to standard output ({@link EventSink}) and logs to standard error. A separate process
 * keeps a job's precision settings, device memory and crashes away from the worker. A job that
 * names a command workload ({@code command:NAME}) runs that command as this process's child. It
 * ends within a fraction of a second of its worker ({@link ParentWatch}).
 *
 * <p>Arguments: run id, worker id.
 */
public final class JobProcess {
  private JobProcess() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: JobProcess RUN_ID WORKER_ID < job.json");
      System.exit(2);
    }
    ParentWatch.start();
    JobSpec job = EventCodec.decodeJob(System.in.readAllBytes());
    WorkerConfig config = WorkerConfig.fromEnv(System.getenv());
    var run =
        new JobRun(
            job,
            args[0],
            args[1],
            InetAddress.getLocalHost().getHostName(),
            new EventSink(System.out),
            Clock.systemUTC(),
            System::nanoTime);
    run.run(
        new JobRun.Parts(
            gpus -> PowerMeters.open(gpus, config, System.getenv()),
            new JobWorkloads(config, System.getenv())::open,
            config.idleBaseline(),
            config.powerSampleInterval(),
            ArtifactStore.open(config.artifactStore(), config.s3())));
    // TensorFlow leaves non-daemon threads behind; the run's outcome is already written.
    System.exit(0);
  }
}
