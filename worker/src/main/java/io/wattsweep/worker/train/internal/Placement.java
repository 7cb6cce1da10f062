package io.wattsweep.worker.train.internal;

import io.wattsweep.worker.train.WorkloadSpec;
import java.util.List;
import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;

/** Where and how a workload runs: its towers, its precision, and the session they configure. */
public final class Placement {

  public final Towers towers;
  public final PrecisionPlan plan;

  private Placement(Towers towers, PrecisionPlan plan) {
    this.towers = towers;
    this.plan = plan;
  }

  /**
   * One tower per GPU when there are GPUs, else per logical CPU device.
   *
   * @throws IllegalArgumentException when more devices are asked for than there are GPUs
   */
  public static Placement of(WorkloadSpec spec) {
    int gpus = HostDevices.gpuCount();
    if (gpus > 0 && spec.devices() > gpus) {
      throw new IllegalArgumentException(
          "devices must be at most the " + gpus + " visible GPU(s): " + spec.devices());
    }
    return new Placement(Towers.plan(spec.devices(), gpus), plan(spec, gpus > 0));
  }

  /** Every tower of {@code spec} on the host's one CPU device, with the plan of CPU hosts. */
  public static Placement onOneDevice(WorkloadSpec spec) {
    return new Placement(Towers.onOneDevice(spec.devices()), plan(spec, false));
  }

  private static PrecisionPlan plan(WorkloadSpec spec, boolean gpu) {
    return new PrecisionPlan(
        spec.precision(),
        gpu,
        CudaCapability::lowestMajor,
        System.getenv("NVIDIA_TF32_OVERRIDE"),
        System.getenv("TF_ENABLE_ONEDNN_OPTS"),
        CpuBf16::emulated);
  }

  Session open(Graph graph) {
    ConfigProto.Builder config = ConfigProto.newBuilder();
    towers.configure(config);
    plan.configure(config);
    return new Session(graph, config.build());
  }

  /**
   * What ran; {@code executed} (graphs of a run that updates nothing) is only called when the plan
   * must look at them.
   */
  PrecisionPlan.Outcome resolve(Supplier<List<GraphDef>> executed) {
    return plan.resolve(plan.needsExecutedGraphs() ? executed.get() : List.of());
  }
}
