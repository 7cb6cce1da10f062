package io.wattsweep.coordinator.catalog;

/** One measured batch of a run: its window's duration and energy, and that energy's quantum. */
public record BatchView(
    int batchIndex, long durationNanos, double energyJoules, double resolutionJoules) {}
