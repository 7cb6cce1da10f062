/**
 * Energy of a job's NVIDIA GPUs through NVML, read through JNA: the total-energy counter where the
 * GPUs have it, else integrated instant power; {@link
 * io.wattsweep.worker.meter.nvml.NvmlPowerMeter} is the entry point.
 */
package io.wattsweep.worker.meter.nvml;
