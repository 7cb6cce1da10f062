package io.wattsweep.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunCompleted;
import io.wattsweep.common.event.RunFailed;
import io.wattsweep.common.event.RunStarted;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import io.wattsweep.worker.meter.nvml.GpuReading;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a worker's {@code /metrics} says about its jobs and devices, as a scraper reads it. */
class WorkerMetricsTest {
  private static final DeviceInfo CPU =
      new DeviceInfo(0, "cpu", "cpu-0", "Test CPU", "amd64", 65, "");
  private static final DeviceInfo GPU0 =
      new DeviceInfo(0, "gpu", "GPU-aaaa", "NVIDIA H200", "hopper", 700, "580.95.05");
  private static final DeviceInfo GPU1 =
      new DeviceInfo(1, "gpu", "GPU-bbbb", "NVIDIA H200", "hopper", 700, "580.95.05");

  private final AtomicLong nanos = new AtomicLong();
  private final WorkerMetrics metrics = new WorkerMetrics("w1", "cpu", nanos::get);

  @Test
  void cpuWorkerShowsTheRunsPowerLabelledAsAnEstimateWhileItRuns() throws IOException {
    JobSpec job = job("sw-1-aaaaaaaaaa", Precision.BF16, 8);
    metrics.jobStarted(job, "run-1");
    metrics.event(
        job, started(job, "run-1", List.of(CPU), EnergyMethod.TDP_ESTIMATE, Precision.FP32));
    metrics.event(
        job, new PowerSample(job.jobId(), "run-1", 1, 1000, 42.5, EnergyMethod.TDP_ESTIMATE));

    String running = scrape();
    assertEquals(
        42.5,
        value(
            running,
            "wattsweep_gpu_power_watts{gpu=\"0\",job_id=\""
                + job.jobId()
                + "\",method=\"tdp-estimate\",name=\"Test CPU\",uuid=\"cpu-0\","
                + "worker=\"w1\"}"));
    assertEquals(1.0, value(running, "wattsweep_worker_busy{gpu_class=\"cpu\",worker=\"w1\"}"));
    assertTrue(
        running.contains(
            "wattsweep_worker_job_info{batch_size=\"8\",gpu_class=\"cpu\","
                + "gpus=\"1\",job_id=\""
                + job.jobId()
                + "\""),
        running);
    assertEquals(
        65.0,
        value(
            running,
            "wattsweep_gpu_power_limit_watts{gpu=\"0\","
                + "name=\"Test CPU\",uuid=\"cpu-0\",worker=\"w1\"}"));

    metrics.jobEnded(job, "run-1");
    String idle = scrape();
    assertFalse(idle.contains("wattsweep_gpu_power_watts{"), "no stale power after the run");
    assertFalse(idle.contains("wattsweep_worker_job_info{"), idle);
    assertEquals(0.0, value(idle, "wattsweep_worker_busy{gpu_class=\"cpu\",worker=\"w1\"}"));
  }

  @Test
  void measuredBatchesCountByConfigurationWithEnergyAndDuration() throws IOException {
    JobSpec job = job("sw-2-bbbbbbbbbb", Precision.BF16, 4);
    metrics.jobStarted(job, "run-2");
    metrics.event(
        job, started(job, "run-2", List.of(CPU), EnergyMethod.TDP_ESTIMATE, Precision.FP32));
    String config =
        "batch_size=\"4\",gpus=\"1\",model=\"3dgan\",precision=\"bf16\","
            + "precision_ran=\"fp32\",worker=\"w1\"";
    assertEquals(
        0.0,
        value(scrape(), "wattsweep_batches_total{" + config + "}"),
        "series exist from the run's start, so rates see the first batch");
    metrics.event(job, batch(job, "run-2", 1, 0, 0.5, 10.0));
    metrics.event(job, batch(job, "run-2", 2, 1, 1.5, 30.0));
    metrics.event(
        job,
        new RunCompleted(
            job.jobId(),
            "run-2",
            3,
            3000,
            2,
            2_000_000_000L,
            40.0,
            5.0,
            EnergyMethod.TDP_ESTIMATE,
            null,
            null,
            null,
            null));
    metrics.jobEnded(job, "run-2");

    String text = scrape();
    assertEquals(2.0, value(text, "wattsweep_batches_total{" + config + "}"));
    assertEquals(
        40.0,
        value(
            text,
            "wattsweep_batch_energy_joules_total{"
                + config.replace("gpus=\"1\",", "gpus=\"1\",method=\"tdp-estimate\",")
                + "}"));
    assertEquals(2.0, value(text, "wattsweep_batch_duration_seconds_count{" + config + "}"));
    assertEquals(2.0, value(text, "wattsweep_batch_duration_seconds_sum{" + config + "}"));
    assertEquals(
        1.0, value(text, "wattsweep_batch_duration_seconds_bucket{" + config + ",le=\"0.5\"}"));
    assertEquals(
        1.0,
        value(
            text,
            "wattsweep_worker_jobs_total{gpu_class=\"cpu\","
                + "outcome=\"completed\",reason=\"\",worker=\"w1\"}"));
    assertEquals(
        40.0,
        value(
            text,
            "wattsweep_gpu_energy_joules_total{gpu=\"0\",job_id=\""
                + job.jobId()
                + "\",method=\"tdp-estimate\",name=\"Test CPU\",uuid=\"cpu-0\","
                + "worker=\"w1\"}"),
        "the run's energy stays a while for the last scrape");

    nanos.addAndGet(WorkerMetrics.LINGER.toNanos());
    metrics.expire();
    assertFalse(
        scrape().contains("wattsweep_gpu_energy_joules_total{"),
        "a finished job's device series go once the last scrape has seen them");
  }

  @Test
  void failedJobsCountByReason() throws IOException {
    JobSpec job = job("sw-3-cccccccccc", Precision.FP32, 64);
    metrics.jobStarted(job, "run-3");
    metrics.event(
        job, new RunFailed(job.jobId(), "run-3", 0, 1000, FailureReason.OUT_OF_MEMORY, "Killed"));
    metrics.jobEnded(job, "run-3");

    assertEquals(
        1.0,
        value(
            scrape(),
            "wattsweep_worker_jobs_total{gpu_class=\"cpu\","
                + "outcome=\"failed\",reason=\"out-of-memory\",worker=\"w1\"}"));
  }

  @Test
  void gpuSeriesCarryTheJobWhoseRunUsesTheGpu() throws IOException {
    metrics.nvmlSampling(true);
    GpuReading reading = new GpuReading(0, GPU0.uuid(), 250, 87, 40, 8L << 30, 80L << 30, 61, 1980);
    metrics.gpuSample(GPU0, reading, 0.0, "nvml-energy-counter");
    metrics.gpuSample(
        GPU1,
        new GpuReading(1, GPU1.uuid(), 70, 0, 0, 1L << 30, 80L << 30, 35, 345),
        0.0,
        "nvml-energy-counter");
    String idle =
        "gpu=\"0\",job_id=\"\",method=\"nvml-energy-counter\",name=\"NVIDIA H200\","
            + "uuid=\"GPU-aaaa\",worker=\"w1\"";
    assertEquals(250.0, value(scrape(), "wattsweep_gpu_power_watts{" + idle + "}"));

    JobSpec job = job("sw-4-dddddddddd", Precision.TF32, 32);
    metrics.jobStarted(job, "run-4");
    metrics.event(
        job,
        started(job, "run-4", List.of(GPU0), EnergyMethod.NVML_ENERGY_COUNTER, Precision.TF32));
    metrics.event(
        job, new PowerSample(job.jobId(), "run-4", 1, 1000, 999, EnergyMethod.NVML_ENERGY_COUNTER));
    metrics.gpuSample(GPU0, reading, 250.0, "nvml-energy-counter");
    metrics.gpuSample(GPU0, reading, 260.0, "nvml-energy-counter");
    metrics.gpuSample(
        GPU1,
        new GpuReading(1, GPU1.uuid(), 70, 0, 0, 1L << 30, 80L << 30, 35, 345),
        0.0,
        "nvml-energy-counter");

    String text = scrape();
    String busy = idle.replace("job_id=\"\"", "job_id=\"" + job.jobId() + "\"");
    assertEquals(
        250.0,
        value(text, "wattsweep_gpu_power_watts{" + busy + "}"),
        "NVML in the worker, not the run's summed sample, gives a GPU's power");
    assertFalse(
        text.contains("wattsweep_gpu_power_watts{" + idle + "}"),
        "a GPU has one power series at a time");
    assertEquals(510.0, value(text, "wattsweep_gpu_energy_joules_total{" + busy + "}"));
    String gpuLabels =
        "gpu=\"0\",job_id=\""
            + job.jobId()
            + "\",name=\"NVIDIA H200\","
            + "uuid=\"GPU-aaaa\",worker=\"w1\"";
    assertEquals(0.87, value(text, "wattsweep_gpu_utilization_ratio{" + gpuLabels + "}"));
    assertEquals(
        8.0 * (1L << 30), value(text, "wattsweep_gpu_memory_used_bytes{" + gpuLabels + "}"));
    assertEquals(61.0, value(text, "wattsweep_gpu_temperature_celsius{" + gpuLabels + "}"));
    assertEquals(1.98e9, value(text, "wattsweep_gpu_sm_clock_hertz{" + gpuLabels + "}"));
    assertTrue(
        text.contains("wattsweep_gpu_power_watts{gpu=\"1\",job_id=\"\""),
        "the GPU the run does not use stays idle: " + text);
  }

  private String scrape() throws IOException {
    var out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The value of the sample whose name and labels (sorted, as the writer sorts them) match. */
  static double value(String text, String series) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    assertTrue(m.find(), "no sample " + series + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  private static JobSpec job(String jobId, Precision precision, int batchSize) {
    return new JobSpec(
        jobId,
        jobId.substring(0, jobId.lastIndexOf('-')),
        "3dgan",
        0.25,
        "cpu",
        precision,
        batchSize,
        1,
        1,
        10,
        new FullTraining(360_000, 30),
        null,
        null,
        null);
  }

  private static RunStarted started(
      JobSpec job, String runId, List<DeviceInfo> devices, EnergyMethod method, Precision ran) {
    return new RunStarted(
        job.jobId(),
        runId,
        0,
        500,
        "w1",
        "host",
        job.precision(),
        ran,
        "",
        devices,
        method,
        5.0,
        1000,
        1000,
        1_000_000,
        "test",
        null,
        null,
        null,
        null);
  }

  private static BatchMeasured batch(
      JobSpec job, String runId, long seq, int index, double seconds, double joules) {
    return new BatchMeasured(
        job.jobId(), runId, seq, 1000 + seq, index, (long) (seconds * 1e9), joules, 0.1, 0.5, 0.5);
  }
}
