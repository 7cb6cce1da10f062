/**
 * {@code wattsweep meter}: meters any command's energy, in total, per device and per marked step;
 * {@link io.wattsweep.worker.cli.MeterCommand} is the entry point and documents the step marker
 * lines.
 */
package io.wattsweep.worker.cli;
