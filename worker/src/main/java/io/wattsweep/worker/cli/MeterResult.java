package io.wattsweep.worker.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.DeviceInfo;
import io.wattsweep.worker.cli.StepRecorder.Edge;
import io.wattsweep.worker.cli.StepRecorder.Step;
import io.wattsweep.worker.meter.PerGpuNvmlMeter;
import io.wattsweep.worker.meter.PowerMeter;
import io.wattsweep.worker.meter.PowerSampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one metered run measured, as printed and as written with {@code --json}. Energies are
 * joules, powers watts, times seconds; a figure the meter could not give is null.
 *
 * @param command the command and its arguments
 * @param exitCode the command's exit status
 * @param method how the energy was obtained ({@code nvml-energy-counter}, {@code rapl}, ...)
 * @param estimate true where the method is not a measurement
 * @param why why this meter was chosen, and a better one passed over
 * @param wallSeconds from the command's start to its end
 * @param resolutionJoules the quantum of a window's energy at the end of the run
 * @param steps the steps the command marked, in order
 * @param power the sampled power readings (for display, never integrated)
 * @param meterError why the meter stopped answering, if it did; the energies are then null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record MeterResult(
    List<String> command,
    int exitCode,
    String method,
    boolean estimate,
    String why,
    double wallSeconds,
    Double energyJoules,
    Double meanPowerWatts,
    Double resolutionJoules,
    List<DeviceResult> devices,
    List<StepResult> steps,
    PowerStats power,
    String meterError) {

  /**
   * One device over the whole run.
   *
   * @param id the GPU's UUID or the CPU zone's name
   * @param method this device's method, which may differ from the total's on a mixed GPU node
   */
  record DeviceResult(
      int index,
      String kind,
      String id,
      String name,
      String method,
      Double energyJoules,
      Double meanPowerWatts) {}

  /**
   * One marked step.
   *
   * @param startSeconds since the command started
   * @param resolutionJoules the quantum of this step's energy: it is exact only to this much
   * @param deviceEnergyJoules each device's share, where the meter tells them apart
   */
  record StepResult(
      int index,
      String name,
      double startSeconds,
      double seconds,
      double energyJoules,
      double meanPowerWatts,
      double resolutionJoules,
      List<Double> deviceEnergyJoules) {}

  /** Power readings of the sampler (display only). */
  record PowerStats(long intervalMs, long samples, Double meanWatts, Double maxWatts) {}

  static MeterResult of(
      List<String> command,
      int exitCode,
      PowerMeter meter,
      String why,
      StepRecorder recorder,
      Edge end,
      long endNanos,
      PowerSampler.Stats power,
      Duration interval) {
    Edge origin = recorder.origin();
    double wall = (endNanos - origin.nanos()) / 1e9;
    EnergyMethod method = meter.method();
    Double energy = end == null ? null : end.joules() - origin.joules();
    List<DeviceInfo> infos = meter.devices();
    List<String> methods =
        meter instanceof PerGpuNvmlMeter gpus
            ? gpus.methods().stream().map(EnergyMethod::wireName).toList()
            : infos.stream().map(d -> method.wireName()).toList();
    List<DeviceResult> devices = new ArrayList<>();
    for (int i = 0; i < infos.size(); i++) {
      DeviceInfo d = infos.get(i);
      Double joules = null;
      if (end != null && !end.deviceJoules().isEmpty()) {
        joules = end.deviceJoules().get(i) - origin.deviceJoules().get(i);
      } else if (end != null && infos.size() == 1) {
        joules = energy;
      }
      devices.add(
          new DeviceResult(
              d.index(),
              d.kind(),
              d.uuid(),
              d.name(),
              methods.get(i),
              joules,
              joules == null ? null : perSecond(joules, wall)));
    }
    List<StepResult> steps = new ArrayList<>();
    for (Step s : recorder.steps()) {
      double seconds = (s.end().nanos() - s.start().nanos()) / 1e9;
      double joules = s.end().joules() - s.start().joules();
      List<Double> perDevice = new ArrayList<>();
      for (int i = 0; i < s.end().deviceJoules().size(); i++) {
        perDevice.add(s.end().deviceJoules().get(i) - s.start().deviceJoules().get(i));
      }
      steps.add(
          new StepResult(
              s.index(),
              s.name(),
              (s.start().nanos() - origin.nanos()) / 1e9,
              seconds,
              joules,
              perSecond(joules, seconds),
              Math.max(s.start().resolutionJoules(), s.end().resolutionJoules()),
              List.copyOf(perDevice)));
    }
    return new MeterResult(
        List.copyOf(command),
        exitCode,
        method.wireName(),
        method.isEstimate(),
        why,
        wall,
        energy,
        energy == null ? null : perSecond(energy, wall),
        end == null ? null : end.resolutionJoules(),
        List.copyOf(devices),
        List.copyOf(steps),
        new PowerStats(
            interval.toMillis(),
            power.samples(),
            finite(power.meanWatts()),
            finite(power.maxWatts())),
        recorder.failure().map(RuntimeException::toString).orElse(null));
  }

  private static double perSecond(double joules, double seconds) {
    return seconds > 0 ? joules / seconds : 0;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /** The report for a person: totals, per device, per step. */
  String render() {
    String est = estimate ? " (estimate)" : "";
    var b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%nwattsweep meter: %s exited with status %d after %.3f s%n",
            quote(command),
            exitCode,
            wallSeconds));
    b.append("method: ").append(method).append(est).append('\n');
    b.append("  why: ").append(why).append('\n');
    if (meterError != null) {
      b.append("METER FAILED: ")
          .append(meterError)
          .append("; no energy can be reported for the run\n");
    }
    if (energyJoules != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "total: %.3f s, %s%s, mean power %s%s (quantum %s)%n",
              wallSeconds,
              joules(energyJoules),
              est,
              watts(meanPowerWatts),
              est,
              joules(resolutionJoules)));
    }
    if (power.samples() > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "power readings every %d ms (display only, never integrated): %d, mean %s, peak %s%n",
              power.intervalMs(),
              power.samples(),
              watts(power.meanWatts()),
              watts(power.maxWatts())));
    }
    if (!devices.isEmpty()) {
      b.append('\n');
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("device", "name", "method", "energy J", "mean W"));
      for (DeviceResult d : devices) {
        rows.add(
            List.of(
                d.kind() + " " + d.index() + " " + d.id(),
                d.name(),
                d.method(),
                number(d.energyJoules()),
                number(d.meanPowerWatts())));
      }
      rows.add(List.of("total", "", method + est, number(energyJoules), number(meanPowerWatts)));
      table(b, rows);
    }
    if (!steps.isEmpty()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nsteps (WATTSWEEP_STEP markers)%s:%n",
              estimate ? ", energies are estimates" : ""));
      table(b, stepRows());
    }
    return b.toString();
  }

  /** Up to 40 steps one by one; more are grouped by name, as a per-batch marker would flood. */
  private List<List<String>> stepRows() {
    List<List<String>> rows = new ArrayList<>();
    if (steps.size() <= 40) {
      rows.add(
          List.of(
              "#", "step", "start s", "time s", "energy J", "mean W", "quantum J", "quantum %"));
      for (StepResult s : steps) {
        rows.add(
            List.of(
                Integer.toString(s.index() + 1),
                s.name(),
                fixed(s.startSeconds(), 3),
                fixed(s.seconds(), 3),
                fixed(s.energyJoules(), 3),
                fixed(s.meanPowerWatts(), 2),
                fixed(s.resolutionJoules(), 3),
                percent(s.resolutionJoules(), s.energyJoules())));
      }
      return rows;
    }
    Map<String, double[]> byName = new LinkedHashMap<>(); // count, seconds, joules, max quantum
    for (StepResult s : steps) {
      double[] t = byName.computeIfAbsent(s.name(), k -> new double[4]);
      t[0]++;
      t[1] += s.seconds();
      t[2] += s.energyJoules();
      t[3] = Math.max(t[3], s.resolutionJoules());
    }
    rows.add(
        List.of(
            "step", "count", "time s", "energy J", "mean W", "J per step", "quantum J per step"));
    byName.forEach(
        (name, t) ->
            rows.add(
                List.of(
                    name,
                    Long.toString((long) t[0]),
                    fixed(t[1], 3),
                    fixed(t[2], 3),
                    fixed(perSecond(t[2], t[1]), 2),
                    fixed(t[2] / t[0], 3),
                    fixed(t[3], 3))));
    return rows;
  }

  /** Columns of numbers are aligned right, the others left. */
  private static void table(StringBuilder b, List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    boolean[] numeric = new boolean[columns];
    Arrays.fill(numeric, true);
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
        if (r > 0 && !row.get(i).isEmpty() && !row.get(i).matches("-|-?[0-9.]+")) {
          numeric[i] = false;
        }
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = row.get(i);
        String pad = " ".repeat(width[i] - cell.length());
        line.append(numeric[i] ? pad + cell : cell + pad).append("  ");
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private static String quote(List<String> command) {
    return "'" + String.join(" ", command) + "'";
  }

  private static String joules(Double j) {
    if (j == null) {
      return "-";
    }
    double a = Math.abs(j);
    return a >= 1e6
        ? String.format(Locale.ROOT, "%.3f MJ", j / 1e6)
        : a >= 1e3
            ? String.format(Locale.ROOT, "%.3f kJ", j / 1e3)
            : String.format(Locale.ROOT, "%.3f J", j);
  }

  private static String watts(Double w) {
    return w == null ? "-" : String.format(Locale.ROOT, "%.2f W", w);
  }

  private static String number(Double v) {
    return v == null ? "-" : fixed(v, 3);
  }

  private static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String percent(double part, double whole) {
    return whole > 0 ? String.format(Locale.ROOT, "%.2f", 100 * part / whole) : "-";
  }
}
