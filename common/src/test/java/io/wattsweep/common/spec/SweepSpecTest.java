package io.wattsweep.common.spec;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SweepSpecTest {
  private static final FullTraining TRAINING = new FullTraining(1_000, 3);

  private static SweepSpec sweep(
      List<String> gpuClass,
      List<Precision> precision,
      List<Integer> batchSize,
      List<Integer> gpus) {
    return new SweepSpec(
        "grid", "3dgan", 0.5, gpuClass, precision, batchSize, gpus, 1, 4, TRAINING, Map.of(), null,
        null, null);
  }

  private static SweepSpec sweep(List<Integer> batchSize, List<Integer> gpus, BatchSemantics s) {
    return new SweepSpec(
        "grid",
        "3dgan",
        0.5,
        List.of("cpu"),
        List.of(Precision.TF32),
        batchSize,
        gpus,
        1,
        4,
        TRAINING,
        java.util.Map.of(),
        null,
        null,
        s);
  }

  @Test
  void expandGivesOneJobPerPointOfTheGrid() {
    SweepSpec spec =
        sweep(
            List.of("a100", "h100", "cpu"),
            List.of(Precision.FP32, Precision.TF32, Precision.BF16, Precision.MIXED_FP16),
            List.of(8, 16),
            List.of(1, 2, 4));

    assertEquals(3 * 4 * 2 * 3, spec.expand("s1").size());
  }

  @Test
  void expandWalksTheGridInAFixedOrderWithGpusFastest() {
    SweepSpec spec =
        sweep(List.of("a100", "h100"), List.of(Precision.BF16), List.of(32, 8), List.of(2, 1));

    List<String> points =
        spec.expand("s1").stream()
            .map(j -> j.gpuClass() + " " + j.precision() + " b" + j.batchSize() + " x" + j.gpus())
            .toList();

    assertEquals(
        List.of(
            "a100 bf16 b32 x2",
            "a100 bf16 b32 x1",
            "a100 bf16 b8 x2",
            "a100 bf16 b8 x1",
            "h100 bf16 b32 x2",
            "h100 bf16 b32 x1",
            "h100 bf16 b8 x2",
            "h100 bf16 b8 x1"),
        points);
  }

  @Test
  void everyJobCarriesTheSweepsSharedSettings() {
    SweepSpec spec = sweep(List.of("cpu"), List.of(Precision.FP32), List.of(8, 16), List.of(1));

    for (JobSpec job : spec.expand("s7")) {
      assertAll(
          () -> assertEquals("s7", job.sweepId()),
          () -> assertEquals("3dgan", job.model()),
          () -> assertEquals(0.5, job.scale()),
          () -> assertEquals(1, job.warmupBatches()),
          () -> assertEquals(4, job.measuredBatches()),
          () -> assertEquals(TRAINING, job.fullTraining()));
    }
  }

  @Test
  void theSamePointOfTheSameSweepAlwaysGetsTheSameJobId() {
    SweepSpec wide =
        sweep(
            List.of("a100", "cpu"),
            List.of(Precision.FP32, Precision.TF32),
            List.of(8, 16),
            List.of(1));
    SweepSpec narrow = sweep(List.of("cpu"), List.of(Precision.TF32), List.of(16), List.of(1));

    assertEquals(wide.expand("s1"), wide.expand("s1"));
    JobSpec fromNarrow = narrow.expand("s1").get(0);
    JobSpec fromWide =
        wide.expand("s1").stream()
            .filter(
                j ->
                    j.gpuClass().equals("cpu")
                        && j.precision() == Precision.TF32
                        && j.batchSize() == 16)
            .findFirst()
            .orElseThrow();
    assertEquals(fromWide.jobId(), fromNarrow.jobId());
    assertTrue(fromWide.jobId().matches("s1-[0-9a-f]{10}"), fromWide.jobId());
  }

  @Test
  void differentSweepIdsGiveDifferentJobIds() {
    SweepSpec spec =
        sweep(List.of("a100", "cpu"), List.of(Precision.FP32), List.of(8, 16), List.of(1, 2));

    Set<String> first = ids(spec.expand("sweep-a"));
    Set<String> second = ids(spec.expand("sweep-b"));

    assertEquals(8, first.size());
    assertEquals(8, second.size());
    assertTrue(first.stream().noneMatch(second::contains), first + " vs " + second);
  }

  @Test
  void aGlobalBatchThatDoesNotSplitOverTheGpusIsRejected() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> sweep(List.of(8, 6), List.of(1, 4), BatchSemantics.GLOBAL));
    assertEquals(
        "batchSize 6 must split evenly over gpus 4 (the global batch is split per GPU)",
        e.getMessage());
  }

  @Test
  void aPerGpuBatchTrainsBatchTimesGpusAStep() {
    List<JobSpec> jobs = sweep(List.of(6), List.of(1, 4), BatchSemantics.PER_GPU).expand("s1");

    assertEquals(List.of(6, 24), jobs.stream().map(JobSpec::globalBatchSize).toList());
    assertEquals("6 per GPU, 24 global", BatchSemantics.PER_GPU.describe(6, 4));
    assertEquals("24 global, 6 per GPU", BatchSemantics.GLOBAL.describe(24, 4));
  }

  @Test
  void aSweepWithoutBatchSemanticsCountsTheBatchPerGpuAsTheStudyDid() {
    assertEquals(BatchSemantics.PER_GPU, sweep(List.of(6), List.of(4), null).batchSemantics());
  }

  @Test
  void aGlobalBatchKeepsTheJobIdsItHadBeforePerGpuBatchesExisted() {
    // The id that this sweep's job had when every batch was global.
    String before = "s1-2d9f964e97";

    JobSpec global = sweep(List.of(16), List.of(1), BatchSemantics.GLOBAL).expand("s1").get(0);
    JobSpec perGpu = sweep(List.of(16), List.of(1), BatchSemantics.PER_GPU).expand("s1").get(0);

    assertEquals(before, global.jobId());
    assertTrue(!perGpu.jobId().equals(before), perGpu.jobId());
  }

  @Test
  void jobIdsAreUniqueWithinASweep() {
    // Multiples of 8, so that every batch splits over 1, 2, 4 and 8 GPUs.
    List<Integer> batchSizes = IntStream.rangeClosed(1, 250).map(i -> i * 8).boxed().toList();
    SweepSpec spec =
        sweep(List.of("a100", "a10"), List.of(Precision.values()), batchSizes, List.of(1, 2, 4, 8));

    List<JobSpec> jobs = spec.expand("s1");

    assertEquals(2 * 4 * 250 * 4, jobs.size());
    assertEquals(jobs.size(), ids(jobs).size());
  }

  @Test
  void aGridOfTenThousandJobsIsAccepted() {
    List<Integer> batchSizes = IntStream.rangeClosed(1, 10_000).boxed().toList();

    SweepSpec spec = sweep(List.of("cpu"), List.of(Precision.FP32), batchSizes, List.of(1));

    assertEquals(10_000, spec.expand("s1").size());
  }

  @Test
  void aGridOfMoreThanTenThousandJobsIsRefused() {
    List<Integer> batchSizes = IntStream.rangeClosed(1, 2_501).boxed().toList();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                sweep(
                    List.of("cpu"),
                    List.of(Precision.FP32, Precision.TF32, Precision.BF16, Precision.MIXED_FP16),
                    batchSizes,
                    List.of(1)));

    assertEquals("the grid must hold at most 10000 jobs: 10004", e.getMessage());
  }

  @Test
  void theAxesAreCopiedSoLaterChangesToTheCallersListsDoNotLeakIn() {
    var classes = new java.util.ArrayList<>(List.of("cpu"));
    SweepSpec spec = sweep(classes, List.of(Precision.FP32), List.of(8), List.of(1));

    classes.add("a100");

    assertEquals(1, spec.expand("s1").size());
  }

  private static Set<String> ids(List<JobSpec> jobs) {
    return jobs.stream().map(JobSpec::jobId).collect(Collectors.toCollection(HashSet::new));
  }

  private static SweepSpec commandSweep(double scale, FullTraining training) {
    return new SweepSpec(
        null,
        "command:resnet50",
        scale,
        List.of("a100"),
        List.of(Precision.BF16),
        List.of(64),
        List.of(1, 2),
        2,
        10,
        training,
        Map.of(),
        null,
        null,
        null);
  }

  @Test
  void aCommandWorkloadWithoutFullTrainingKeepsNoneForItsJobs() {
    SweepSpec spec = commandSweep(1.0, null);

    assertEquals(null, spec.fullTraining());
    assertEquals("command:resnet50", spec.name());
    assertTrue(
        spec.expand("s1").stream()
            .allMatch(j -> j.fullTraining() == null && j.model().equals("command:resnet50")));
  }

  @Test
  void aCommandWorkloadKeepsTheSweepsFullTraining() {
    assertEquals(TRAINING, commandSweep(1.0, TRAINING).expand("s1").get(0).fullTraining());
  }

  @Test
  void aCommandWorkloadRunsAtScaleOneOnly() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> commandSweep(0.5, null));

    assertEquals(
        "scale must be 1 for a command workload (scale sizes the built-in models only):" + " 0.5",
        e.getMessage());
  }

  @Test
  void aVaeProGanSweepWithoutFullTrainingExtrapolatesNothing() {
    SweepSpec spec =
        new SweepSpec(
            null,
            "vae-progan",
            1.0,
            List.of("a100"),
            List.of(Precision.FP32),
            List.of(32),
            List.of(1),
            2,
            10,
            null,
            Map.of(),
            null,
            null,
            null);

    assertEquals(null, spec.fullTraining());
    assertEquals(null, spec.expand("s1").get(0).fullTraining());
  }

  @Test
  void aBuiltInModelsJobMustCarryAFullTrainingWhereOneIsKnown() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new JobSpec(
                    "s1-x",
                    "s1",
                    "3dgan",
                    1.0,
                    "a100",
                    Precision.FP32,
                    8,
                    1,
                    1,
                    10,
                    null,
                    null,
                    null,
                    null));

    assertEquals("fullTraining must be set for built-in model 3dgan: null", e.getMessage());
  }
}
