package io.wattsweep.worker.meter.nvml;

/**
 * One GPU's state for live charts: never a source of energy. A value the GPU does not report is -1.
 *
 * @param index NVML's index of the GPU on this node
 * @param powerWatts present power (instant where the driver has it, else the averaged reading)
 */
public record GpuReading(
    int index,
    String uuid,
    double powerWatts,
    int gpuUtilizationPercent,
    int memoryUtilizationPercent,
    long memoryUsedBytes,
    long memoryTotalBytes,
    int temperatureCelsius,
    int smClockMhz) {}
