package io.wattsweep.worker.process;

import io.wattsweep.common.spec.CommandName;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a job's process is started with beyond what every job's gets: its heap, whether its JVM is
 * light, and the environment its job sets (its devices, its precision's settings). A process
 * started ahead of its job ({@link SpareProcesses}) serves a job whose recipe it {@link #serves}.
 *
 * @param light the client compiler alone and the serial collector ({@link #LIGHT}): the process of
 *     a command workload, which only watches its command and meters the devices (the training runs
 *     in the command's own process), so that it leaves the CPU to the command and to the jobs
 *     beside it. A built-in model trains in the job's JVM, which keeps the JVM's defaults
 */
record Recipe(int heapMb, boolean light, Map<String, String> env) {
  static final List<String> LIGHT = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  Recipe {
    env = Map.copyOf(env);
  }

  /**
   * The recipe of {@code job} on {@code gpus}, with a heap of {@code heapMb}, given the worker's
   * environment {@code workerEnv}.
   */
  static Recipe of(JobSpec job, List<String> gpus, int heapMb, Map<String, String> workerEnv) {
    return of(
        CommandName.isCommand(job.model()), job.precision(), job.gpus(), gpus, heapMb, workerEnv);
  }

  /**
   * The likeliest recipe of a worker's first job on {@code gpus}, before any job has come: a
   * built-in model's (a full JVM serves a command workload too), in fp32, on one device.
   */
  static Recipe firstGuess(List<String> gpus, int heapMb, Map<String, String> workerEnv) {
    return of(false, Precision.FP32, 1, gpus, heapMb, workerEnv);
  }

  private static Recipe of(
      boolean command,
      Precision precision,
      int jobGpus,
      List<String> gpus,
      int heapMb,
      Map<String, String> workerEnv) {
    var env = new TreeMap<String, String>();
    if (tf32Off(precision)) {
      env.put("NVIDIA_TF32_OVERRIDE", "0");
    }
    if (!gpus.isEmpty()) {
      env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpus));
    }
    String operators = workerEnv.get("TF_ENABLE_ONEDNN_OPTS");
    if (operators == null || operators.isBlank()) {
      env.put("TF_ENABLE_ONEDNN_OPTS", oneDnnOpts(precision, jobGpus));
    }
    return new Recipe(heapMb, command, env);
  }

  /** The JVM options. */
  List<String> options() {
    var options = new ArrayList<String>();
    options.add("-Xmx" + heapMb + "m");
    if (light) {
      options.addAll(LIGHT);
    }
    return options;
  }

  /**
   * Whether a process started with this recipe may run a job of {@code wanted}: the same heap and
   * environment, and a JVM at least as capable (a full one serves a light recipe, not the reverse).
   */
  boolean serves(Recipe wanted) {
    return heapMb == wanted.heapMb && env.equals(wanted.env) && (!light || wanted.light);
  }

  /**
   * Whether the job's process gets NVIDIA_TF32_OVERRIDE=0: fp32 means fp32, and so do the ops a
   * mixed-fp16 or bf16 run leaves in fp32 (the study ran its mixed runs so), so cuBLAS and cuDNN
   * must not use TF32 tensor cores behind our back; only a tf32 job asks for them.
   */
  static boolean tf32Off(Precision precision) {
    return precision != Precision.TF32;
  }

  /**
   * TensorFlow's oneDNN kernels, its default on x86 Linux, for every job on one device: on CPUs
   * they run the 3DGAN's fp32 step 6 to 10 times faster than Eigen, and bf16 at all. A job whose
   * towers are logical CPU devices gets Eigen unless it asks for bf16, since oneDNN stalls such
   * sessions. An operator's TF_ENABLE_ONEDNN_OPTS, unless empty, wins. (On AVX-512 CPUs oneDNN
   * crashes a process whose allocation fails, a SIGSEGV in _MklFusedMatMul, where Eigen reports
   * out-of-memory.)
   */
  static String oneDnnOpts(Precision precision, int jobGpus) {
    return jobGpus == 1 || precision == Precision.BF16 ? "1" : "0";
  }
}
