package io.wattsweep.worker.run;

import io.wattsweep.common.SourceRevision;
import io.wattsweep.common.energy.IdleBaseline;
import io.wattsweep.common.energy.Stats;
import io.wattsweep.common.event.Artifact;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.CommandName;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.worker.artifact.ArtifactKey;
import io.wattsweep.worker.artifact.ArtifactStore;
import io.wattsweep.worker.artifact.GeneratorArtifact;
import io.wattsweep.worker.meter.MeterUnavailableException;
import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.train.ModelInfo;
import io.wattsweep.worker.train.StepLosses;
import io.wattsweep.worker.train.Workload;
import io.wattsweep.worker.train.WorkloadSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a job, inside the job's own process: the bare idle, the idle with the job built (the
 * baseline of net where the workload allows it), warm-up until power settles, then the measured
 * batches until the interval is narrow enough, each window's energy taken from the meter at its
 * edges. Every outcome, failures included, ends as an event.
 */
public final class JobRun {
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

  /** The framework that trains, as recorded with each run: the versions the build uses. */
  public static final String FRAMEWORK = framework();

  /** Where the run gets its meter and its workload, and where it puts its generator. */
  public record Parts(
      IntFunction<PowerMeter> meters,
      Function<WorkloadSpec, Workload> workloads,
      Duration idleBaseline,
      Duration powerSampleInterval,
      ArtifactStore artifacts) {}

  private final JobSpec job;
  private final String runId;
  private final String workerId;
  private final String host;
  private final EventSink sink;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private ScheduledExecutorService sampler;

  public JobRun(
      JobSpec job,
      String runId,
      String workerId,
      String host,
      EventSink sink,
      Clock clock,
      LongSupplier nanoTime) {
    this.job = job;
    this.runId = runId;
    this.workerId = workerId;
    this.host = host;
    this.sink = sink;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** Runs the job; never throws: a failure is reported as a {@link RunFailed} event. */
  public void run(Parts parts) {
    PowerMeter meter = null;
    Workload workload = null;
    try {
      ArtifactKey artifact = artifactKey();
      meter = openMeter(parts);
      double bareIdleWatts = idlePower(meter, parts.idleBaseline());
      workload = openWorkload(parts);
      Double readyIdleWatts =
          workload.idleWhenBuilt() ? idlePower(meter, parts.idleBaseline()) : null;
      started(meter, workload, bareIdleWatts, readyIdleWatts);
      startSampler(meter, parts.powerSampleInterval());
      WarmUp warmUp = warmUp(meter, workload);
      workload.awaitStepStart();
      Baseline baseline =
          readyIdleWatts == null
              ? new Baseline(bareIdleWatts, IdleBaseline.NO_JOB)
              : new Baseline(readyIdleWatts, IdleBaseline.JOB_READY);
      measure(meter, workload, baseline, warmUp, parts.artifacts(), artifact);
    } catch (Throwable t) {
      stopSampler();
      FailureReason reason = Failures.classify(t);
      LOG.error("Run {} of job {} failed ({})", runId, job.jobId(), reason, t);
      sink.emit(
          seq ->
              new RunFailed(job.jobId(), runId, seq, clock.millis(), reason, Failures.describe(t)));
    } finally {
      stopSampler();
      if (workload != null) {
        workload.close();
      }
      if (meter != null) {
        meter.close();
      }
    }
  }

  private PowerMeter openMeter(Parts parts) {
    try {
      return parts.meters().apply(job.gpus());
    } catch (RuntimeException e) {
      throw new MeterUnavailableException("meter unavailable: " + e.getMessage(), e);
    }
  }

  /**
   * A spec this worker cannot run is the job's fault, not the worker's. Only the workload's own
   * argument checks count: TensorFlow's runtime errors subclass IllegalArgumentException too. The
   * workload is given the global batch, which its towers split: a per-GPU batch gives each tower
   * the job's batchSize.
   */
  private Workload openWorkload(Parts parts) {
    try {
      return parts.workloads().apply(WorkloadSpec.of(job, seed()));
    } catch (IllegalArgumentException e) {
      if (e.getClass() == IllegalArgumentException.class) {
        throw new InvalidSpecException(e);
      }
      throw e;
    }
  }

  /** A meter that fails mid-run fails the run as meter-unavailable, not as internal. */
  private static double energy(PowerMeter meter) {
    try {
      return meter.energyJoules();
    } catch (RuntimeException e) {
      throw new MeterUnavailableException("meter unavailable: " + e.getMessage(), e);
    }
  }

  private double idlePower(PowerMeter meter, Duration window) throws InterruptedException {
    long t0 = nanoTime.getAsLong();
    double e0 = energy(meter);
    Thread.sleep(window.toMillis());
    double e1 = energy(meter);
    long t1 = nanoTime.getAsLong();
    return (e1 - e0) / ((t1 - t0) / 1e9);
  }

  private void started(
      PowerMeter meter, Workload workload, double bareIdleWatts, Double readyIdleWatts) {
    ModelInfo info = workload.info();
    sink.emit(
        seq ->
            new RunStarted(
                job.jobId(),
                runId,
                seq,
                clock.millis(),
                workerId,
                host,
                job.precision(),
                workload.precisionRan(),
                workload.precisionNote(),
                meter.devices(),
                meter.method(),
                bareIdleWatts,
                info.generatorParameters(),
                info.discriminatorParameters(),
                info.flopsPerStep(),
                workload.framework().orElse(FRAMEWORK),
                workload.fullTraining().orElse(null),
                workload.architecture().orElse(null),
                SourceRevision.current(),
                readyIdleWatts));
  }

  /** The idle power that net subtracts, and which idle it is. */
  private record Baseline(double watts, IdleBaseline kind) {}

  /** How many warm-up batches ran, and whether power had settled when they ended. */
  private record WarmUp(int batches, boolean settled) {}

  /**
   * At least the job's warm-up batches, then more until power settles or the cap is reached. Each
   * batch's power is its window's energy over its duration, read at its edges.
   */
  private WarmUp warmUp(PowerMeter meter, Workload workload) {
    int cap = job.stopping().maxWarmupBatches();
    var watts = new ArrayList<Double>();
    long edge = nanoTime.getAsLong();
    double edgeJ = cap > 0 ? energy(meter) : 0;
    boolean settled = false;
    while (watts.size() < cap && !(settled && watts.size() >= job.warmupBatches())) {
      workload.step();
      long end = nanoTime.getAsLong();
      double endJ = energy(meter);
      watts.add((endJ - edgeJ) / (Math.max(1, end - edge) / 1e9));
      settled = SteadyState.settled(watts);
      edge = end;
      edgeJ = endJ;
    }
    if (!settled && cap > job.warmupBatches()) {
      LOG.warn(
          "Run {} of job {}: power had not settled after {} warm-up batches (the cap)",
          runId,
          job.jobId(),
          cap);
    }
    return new WarmUp(watts.size(), settled);
  }

  /** Each batch's window ends where the next begins, so the windows tile the span exactly. */
  private void measure(
      PowerMeter meter,
      Workload workload,
      Baseline baseline,
      WarmUp warmUp,
      ArtifactStore artifacts,
      ArtifactKey artifactKey)
      throws IOException {
    long spanStart = nanoTime.getAsLong();
    double spanStartJ = energy(meter);
    long edge = spanStart;
    double edgeJ = spanStartJ;
    var joulesPerBatch = new ArrayList<Double>();
    while (!enoughBatches(joulesPerBatch)) {
      StepLosses losses = workload.step();
      long end = nanoTime.getAsLong();
      double endJ = energy(meter);
      int index = joulesPerBatch.size();
      long duration = Math.max(1, end - edge);
      double joules = endJ - edgeJ;
      joulesPerBatch.add(joules);
      sink.emit(
          seq ->
              new BatchMeasured(
                  job.jobId(),
                  runId,
                  seq,
                  clock.millis(),
                  index,
                  duration,
                  joules,
                  meter.resolutionJoules(),
                  losses.discriminator(),
                  losses.generator()));
      edge = end;
      edgeJ = endJ;
    }
    long span = Math.max(1, edge - spanStart);
    double spanJ = edgeJ - spanStartJ;
    workload.finish();
    // No power sample may follow the run's last event.
    stopSampler();
    // After the span's last meter read: saving costs no measured energy.
    Artifact artifact = GeneratorArtifact.save(workload, artifacts, artifactKey);
    sink.emit(
        seq ->
            new RunCompleted(
                job.jobId(),
                runId,
                seq,
                clock.millis(),
                joulesPerBatch.size(),
                span,
                spanJ,
                baseline.watts(),
                meter.method(),
                artifact,
                warmUp.batches(),
                warmUp.settled(),
                baseline.kind()));
  }

  /**
   * At least the job's measured batches; then, up to the cap, until the 95% interval's half-width
   * is within the target share of the mean.
   */
  private boolean enoughBatches(List<Double> joulesPerBatch) {
    int n = joulesPerBatch.size();
    if (n < job.measuredBatches()) {
      return false;
    }
    if (n >= job.stopping().maxMeasuredBatches()) {
      return true;
    }
    double share =
        Stats.of(joulesPerBatch.stream().mapToDouble(Double::doubleValue).toArray()).ci95Share();
    return share < job.stopping().targetCiShare();
  }

  /** Ids that cannot name an artifact fail the run before it starts, as the job's fault. */
  private ArtifactKey artifactKey() {
    try {
      // "command:NAME" is stored under "command.NAME": a colon names no folder everywhere.
      String model =
          CommandName.isCommand(job.model())
              ? "command." + CommandName.of("model", job.model())
              : job.model();
      return new ArtifactKey(model, job.sweepId(), job.jobId(), runId, GeneratorArtifact.FILE);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(e);
    }
  }

  private void startSampler(PowerMeter meter, Duration interval) {
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "power-sampler");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleAtFixedRate(
        () -> {
          try {
            double watts = meter.powerWatts();
            sink.emit(
                seq ->
                    new PowerSample(
                        job.jobId(), runId, seq, clock.millis(), watts, meter.method()));
          } catch (RuntimeException e) {
            LOG.warn("Power sample of run {} failed: {}", runId, e.toString());
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops the sampler and waits for a read in flight, so the meter is not closed under it. */
  private void stopSampler() {
    if (sampler == null) {
      return;
    }
    sampler.shutdownNow();
    try {
      if (!sampler.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("Power sampler of run {} did not stop within 5 s", runId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sampler = null;
  }

  /** The same job always trains from the same initial weights and data. */
  private long seed() {
    return job.jobId().hashCode();
  }

  /** The job asks for what this worker cannot run. */
  static final class InvalidSpecException extends RuntimeException {
    InvalidSpecException(IllegalArgumentException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** framework.properties, which Maven filters with the TensorFlow versions of the build. */
  private static String framework() {
    var p = new Properties();
    try (InputStream in = JobRun.class.getResourceAsStream("framework.properties")) {
      if (in == null) {
        throw new IllegalStateException("framework.properties is missing from the worker's jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read framework.properties", e);
    }
    return p.getProperty("framework");
  }
}
