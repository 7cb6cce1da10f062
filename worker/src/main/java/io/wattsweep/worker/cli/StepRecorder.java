package io.wattsweep.worker.cli;

import io.wattsweep.worker.command.StepMarker;
import io.wattsweep.worker.meter.DeviceEnergyMeter;
import io.wattsweep.worker.meter.PowerMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meter read at the edges of the run and of its steps. Steps tile the time between their
 * markers: a step ends exactly where the next begins, at a {@code WATTSWEEP_STEP_END}, or at the
 * end of the run. Thread-safe: markers arrive on the output thread, the end on the main thread.
 */
final class StepRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(StepRecorder.class);

  /**
   * The meter at one moment.
   *
   * @param deviceJoules each device's energy, where the meter tells them apart; else empty
   * @param resolutionJoules the meter's quantum at that moment
   */
  record Edge(long nanos, double joules, List<Double> deviceJoules, double resolutionJoules) {}

  /** One step between two edges. */
  record Step(int index, String name, Edge start, Edge end) {}

  private final PowerMeter meter;
  private final LongSupplier nanoClock;
  private final List<Step> steps = new ArrayList<>();
  private Edge origin;
  private String openName;
  private Edge openStart;
  private boolean finished;
  private RuntimeException failure;

  StepRecorder(PowerMeter meter, LongSupplier nanoClock) {
    this.meter = meter;
    this.nanoClock = nanoClock;
  }

  /** The run's first edge; call right before the command starts. */
  synchronized Edge begin() {
    origin = edge().orElseThrow(() -> failure);
    return origin;
  }

  /** A marker line arrived: ends the step in progress and, unless it is an end, begins one. */
  synchronized void mark(StepMarker marker) {
    if (finished || failure != null) {
      if (finished) {
        LOG.warn("a step marker came after the command ended; it is ignored");
      }
      return;
    }
    Optional<Edge> now = edge();
    if (now.isEmpty()) {
      return;
    }
    close(now.get());
    if (!marker.isEnd()) {
      String name = marker.name().get();
      openName = name.isEmpty() ? "step-" + (steps.size() + 1) : name;
      openStart = now.get();
    }
  }

  /** The run's last edge: ends the step in progress. Empty if the meter failed. */
  synchronized Optional<Edge> finish() {
    if (finished) {
      throw new IllegalStateException("the run has already ended");
    }
    finished = true;
    if (failure != null) {
      return Optional.empty();
    }
    Optional<Edge> end = edge();
    end.ifPresent(this::close);
    return end;
  }

  synchronized Edge origin() {
    return origin;
  }

  synchronized List<Step> steps() {
    return List.copyOf(steps);
  }

  /** Why the meter stopped answering, if it did. */
  synchronized Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  private void close(Edge end) {
    if (openName != null) {
      steps.add(new Step(steps.size(), openName, openStart, end));
      openName = null;
      openStart = null;
    }
  }

  private Optional<Edge> edge() {
    try {
      long nanos = nanoClock.getAsLong();
      List<Double> devices = List.of();
      double joules;
      if (meter instanceof DeviceEnergyMeter perDevice) {
        devices = perDevice.deviceEnergiesJoules();
        joules = devices.stream().mapToDouble(Double::doubleValue).sum();
      } else {
        joules = meter.energyJoules();
      }
      return Optional.of(new Edge(nanos, joules, devices, meter.resolutionJoules()));
    } catch (RuntimeException e) {
      if (failure == null) {
        LOG.error(
            "the meter failed; no energy can be reported for the rest of the run: {}",
            e.toString());
      }
      failure = e;
      return Optional.empty();
    }
  }
}
