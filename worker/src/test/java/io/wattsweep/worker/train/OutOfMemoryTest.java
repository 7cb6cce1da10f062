package io.wattsweep.worker.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.spec.Precision;
import org.junit.jupiter.api.Test;
import org.tensorflow.exceptions.TFResourceExhaustedException;

class OutOfMemoryTest {

  /**
   * A million full-size showers are 260 GB, more than this or any host has: TensorFlow's CPU
   * allocator refuses the batch at once and the step throws, the JVM carries on, and the job runner
   * (which looks for "ResourceExhausted") records the job as out-of-memory. The batch is that large
   * so that the very first big allocation fails, before anything much is touched.
   */
  @Test
  void batchTooLargeForMemoryThrowsResourceExhaustedAndTheJvmCarriesOn() {
    WorkloadSpec absurd = new WorkloadSpec("3dgan", 1, Precision.FP32, 1_000_000, 1, 1);
    TFResourceExhaustedException e =
        assertThrows(
            TFResourceExhaustedException.class,
            () -> {
              try (Workload gan = Workloads.open(absurd)) {
                gan.step();
              }
            });
    assertTrue(e.getMessage().startsWith("OOM when allocating tensor"), e::getMessage);
    // Still usable afterwards, as the worker is when it takes the next job.
    try (Workload gan = Workloads.open(new WorkloadSpec("3dgan", 0.1, Precision.FP32, 2, 1, 1))) {
      assertTrue(Double.isFinite(gan.step().generator()));
    }
  }
}
