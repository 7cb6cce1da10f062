package io.wattsweep.coordinator.report;

import static io.wattsweep.common.spec.BatchSemantics.GLOBAL;

import io.wattsweep.coordinator.catalog.RunProtocol;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.catalog.SweepView.Extrapolation;
import io.wattsweep.coordinator.catalog.SweepView.JobView;
import io.wattsweep.coordinator.catalog.SweepView.RunView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sweeps built by hand, as the API would return them. */
final class ReportFixtures {
  /** A run that said nothing of its baseline, warm-up or interval: not completed. */
  static final RunProtocol UNSAID = new RunProtocol(null, null, null, null, null);

  static final long DATASET = 200_000;
  static final int EPOCHS = 30;

  private ReportFixtures() {}

  /**
   * a100 and v100, fp32 and bf16, batch sizes 8 and 16, 1 and 2 GPUs (16 jobs). On v100 bf16 ran as
   * fp32; a100 fp32 b16 x2 ran out of memory; v100 fp32 b16 x1 is a tdp-estimate; a100 bf16 b8 x2
   * has no confidence interval.
   */
  static SweepView studySweep() {
    var jobs = new ArrayList<JobView>();
    for (String cls : List.of("a100", "v100")) {
      for (String precision : List.of("fp32", "bf16")) {
        for (int batch : List.of(8, 16)) {
          for (int gpus : List.of(1, 2)) {
            jobs.add(job(cls, precision, batch, gpus));
          }
        }
      }
    }
    return sweep("s-study", "3dgan study", jobs, true);
  }

  static SweepView sweep(String id, String name, List<JobView> jobs, boolean finished) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String s : List.of("QUEUED", "RUNNING", "FAILED", "COMPLETED")) {
      counts.put(s, (int) jobs.stream().filter(j -> j.state().equals(s)).count());
    }
    return new SweepView(id, name, "3dgan", 1_700_000_000_000L, finished, counts, jobs);
  }

  static String jobId(String cls, String precision, int batch, int gpus) {
    return "j-" + cls + "-" + precision + "-b" + batch + "-x" + gpus;
  }

  /** Energy per batch of a completed fixture job. */
  static double joules(String cls, String precision, int batch, int gpus) {
    double perSample = cls.equals("a100") ? 2.5 : 4.0;
    double speedup = precision.equals("bf16") && cls.equals("a100") ? 0.6 : 1.0;
    return perSample * batch * speedup * (gpus == 2 ? 1.15 : 1.0);
  }

  static JobView job(String cls, String precision, int batch, int gpus) {
    String id = jobId(cls, precision, batch, gpus);
    String ran = cls.equals("v100") && precision.equals("bf16") ? "fp32" : precision;
    String note =
        ran.equals(precision)
            ? ""
            : "bf16 needs an Ampere or newer GPU; this run used fp32 on the GPU";
    if (cls.equals("a100") && precision.equals("fp32") && batch == 16 && gpus == 2) {
      RunView failed =
          new RunView(
              "r-" + id,
              "FAILED",
              "w1",
              ran,
              note,
              null,
              false,
              null,
              null,
              null,
              null,
              null,
              null,
              55.0,
              null,
              1_000L,
              2_000L,
              3_000L,
              "out-of-memory",
              "OOM when allocating tensor, shape [16, 64, 51, 51, 25]",
              null,
              UNSAID);
      return new JobView(
          id, "3dgan", 0.25, cls, precision, batch, GLOBAL, gpus, "FAILED", 0, null, failed);
    }
    boolean estimate = cls.equals("v100") && precision.equals("fp32") && batch == 16 && gpus == 1;
    double e = joules(cls, precision, batch, gpus);
    Double ci =
        cls.equals("a100") && precision.equals("bf16") && batch == 8 && gpus == 2 ? null : e * 0.04;
    double seconds = e / 250;
    long batches = (DATASET + batch - 1) / batch * EPOCHS;
    var ft =
        new Extrapolation(
            batches,
            e * batches,
            ci == null ? null : ci * batches,
            e * batches / 3.6e6,
            seconds * batches,
            e * batches / 3.6e6 * 0.475,
            null,
            null);
    RunView run =
        new RunView(
            "r-" + id,
            "COMPLETED",
            "w1",
            ran,
            note,
            estimate ? "tdp-estimate" : "nvml-energy-counter",
            estimate,
            10,
            seconds,
            e,
            e * 0.05,
            ci,
            e * 0.8,
            55.0,
            ft,
            1_000L,
            2_000L,
            3_000L,
            null,
            null,
            null,
            new RunProtocol(60.0, "job-ready", 6, true, ci == null ? null : ci / e));
    return new JobView(
        id, "3dgan", 0.25, cls, precision, batch, GLOBAL, gpus, "COMPLETED", 0, null, run);
  }
}
