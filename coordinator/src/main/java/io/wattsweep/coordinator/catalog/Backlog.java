package io.wattsweep.coordinator.catalog;

/**
 * The work waiting for and held by the workers of one GPU class and GPU count: what an autoscaler
 * (KEDA) reads to start or stop workers.
 *
 * @param queued jobs stored and not yet taken by a worker
 * @param running jobs a worker has started
 * @param queuedGpus the GPUs the queued jobs ask for: queued x gpus
 */
public record Backlog(String gpuClass, int gpus, int queued, int running, int queuedGpus) {

  public Backlog(String gpuClass, int gpus, int queued, int running) {
    this(gpuClass, gpus, queued, running, queued * gpus);
  }
}
