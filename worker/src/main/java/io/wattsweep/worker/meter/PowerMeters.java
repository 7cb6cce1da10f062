package io.wattsweep.worker.meter;

import io.wattsweep.worker.WorkerConfig;
import io.wattsweep.worker.meter.nvml.NvmlPowerMeter;
import io.wattsweep.worker.meter.nvml.NvmlUnavailableException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the meter of a job, the best that this machine can read: NVML's energy counters on a GPU
 * worker where {@code libnvidia-ml} loads; else the CPU packages' RAPL counters where readable;
 * else an estimate from the CPU's TDP and utilization, which says it is one. Each choice, and why a
 * better one was passed over, is logged.
 */
public final class PowerMeters {
  private static final Logger LOG = LoggerFactory.getLogger(PowerMeters.class);

  private PowerMeters() {}

  /**
   * A CPU meter and why it was chosen.
   *
   * @param why one line: the RAPL zones, or the TDP estimate's basis and why RAPL was passed over
   */
  public record Choice(PowerMeter meter, String why) {}

  /** The meter of a job that trains on {@code gpus} devices. */
  public static PowerMeter open(int gpus, WorkerConfig config, Map<String, String> env) {
    if (!"cpu".equals(config.gpuClass())) {
      try {
        return NvmlPowerMeter.open(gpus, env);
      } catch (NvmlUnavailableException e) {
        // The CPU's energy is no stand-in for a GPU job's: fail the run rather than mislabel it.
        throw new MeterUnavailableException(
            "GPU class "
                + config.gpuClass()
                + " needs NVML to meter its GPUs, and NVML is not available: "
                + brief(e.reason()),
            e);
      }
    }
    return openCpu(config).meter();
  }

  /** RAPL where readable, else the TDP estimate; logs which and why. */
  public static Choice openCpu(WorkerConfig config) {
    return openCpu(config, CpuInventory.read(), Runtime.getRuntime().availableProcessors());
  }

  /**
   * The first line of a reason, at most 200 characters: JNA's load failures list the whole class
   * path, which buries the point in a log line.
   */
  public static String brief(String reason) {
    String text = reason == null ? "" : reason.strip();
    int newline = text.indexOf('\n');
    boolean cut = newline >= 0;
    if (cut) {
      text = text.substring(0, newline).strip();
    }
    if (text.length() > 200) {
      text = text.substring(0, 200);
      cut = true;
    }
    return cut ? text + " ..." : text;
  }

  static Choice openCpu(WorkerConfig config, CpuInventory cpu, int cores) {
    String raplProblem;
    try {
      RaplMeter rapl = RaplMeter.open(config.powercapRoot(), System::nanoTime);
      String why =
          "RAPL counters of "
              + rapl.devices().size()
              + " CPU package(s) under "
              + config.powercapRoot();
      LOG.info("Energy meter: {}", why);
      return new Choice(rapl, why);
    } catch (MeterUnavailableException e) {
      raplProblem = e.reason();
    }
    CpuTdp tdp = CpuTdp.resolve(config.cpuTdpWatts(), cpu, cores);
    String why =
        "not a measurement: CPU power modelled from its utilization and "
            + tdp.basis()
            + "; RAPL is not available ("
            + raplProblem
            + ")";
    LOG.warn("Energy meter: TDP estimate, {}", why);
    PowerMeter meter =
        new CpuTdpEstimateMeter(
            tdp.watts(), config.cpuIdleFraction(), Path.of("/proc/stat"), System::nanoTime);
    return new Choice(meter, why);
  }
}
