package io.wattsweep.worker.run;

import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.artifact.ArtifactStore;
import io.wattsweep.worker.meter.PowerMeters;
import io.wattsweep.worker.process.ParentWatch;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;

/**
 * The entry point of a job's own process: reads the job from standard input, runs it, writes its
 * events to standard output ({@link EventSink}) and logs to standard error. A separate process
 * keeps a job's precision settings, device memory and crashes away from the worker. A job that
 * names a command workload ({@code command:NAME}) runs that command as this process's child. It
 * ends within a fraction of a second of its worker ({@link ParentWatch}).
 *
 * <p>Everything that needs no job is done before the job is read, so that a process started ahead
 * of its job (a spare, {@code SpareProcesses}) waits ready. Standard input closed with nothing on
 * it ends the process with 0: a spare its worker no longer needs.
 *
 * <p>Argument: the worker's id. Standard input: the run's id, a newline, the job as JSON.
 */
public final class JobProcess {
  private JobProcess() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: JobProcess WORKER_ID < (RUN_ID, a newline, the job's JSON)");
      System.exit(2);
    }
    ParentWatch.start();
    WorkerConfig config = WorkerConfig.fromEnv(System.getenv());
    String host = InetAddress.getLocalHost().getHostName();
    Input input = Input.read(System.in);
    if (input == null) {
      System.exit(0);
    }
    var run =
        new JobRun(
            input.job(),
            input.runId(),
            args[0],
            host,
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

  /** What a worker hands its job's process. */
  record Input(String runId, JobSpec job) {
    /** The run id and the job from {@code in}, to its end; null when it ends with nothing. */
    static Input read(InputStream in) throws IOException {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        return null;
      }
      int newline = 0;
      while (newline < bytes.length && bytes[newline] != '\n') {
        newline++;
      }
      if (newline == bytes.length) {
        throw new IOException("the job's process got no newline after the run id");
      }
      String runId = new String(bytes, 0, newline, StandardCharsets.UTF_8);
      return new Input(
          runId, EventCodec.decodeJob(Arrays.copyOfRange(bytes, newline + 1, bytes.length)));
    }
  }
}
