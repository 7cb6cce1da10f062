package io.wattsweep.worker.meter.nvml;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * JNA binding of the parts of NVIDIA's management library ({@code libnvidia-ml.so.1}) that
 * wattsweep reads. Every function returns an {@code nvmlReturn_t}; the meter turns a failure into
 * an {@link NvmlException} that carries NVML's own text for it. A device handle ({@code
 * nvmlDevice_t}) is an opaque {@link Pointer}. Unsigned C values arrive in Java's signed types of
 * the same width.
 *
 * <p>Load it through {@link NvmlPowerMeter#open}, which honours the {@value #LIBRARY_PROPERTY}
 * system property and the {@value #LIBRARY_ENV} environment variable (tests point them at a fake).
 */
public interface Nvml extends Library {
  /** System property naming the library file to load instead of the system's NVML. */
  String LIBRARY_PROPERTY = "wattsweep.nvml.library";

  /** Environment variable naming the library file, read where the property is not set. */
  String LIBRARY_ENV = "WATTSWEEP_NVML_LIBRARY";

  int SUCCESS = 0;
  int ERROR_UNINITIALIZED = 1;
  int ERROR_INVALID_ARGUMENT = 2;
  int ERROR_NOT_SUPPORTED = 3;
  int ERROR_NO_PERMISSION = 4;
  int ERROR_NOT_FOUND = 6;
  int ERROR_INSUFFICIENT_SIZE = 7;
  int ERROR_DRIVER_NOT_LOADED = 9;
  int ERROR_FUNCTION_NOT_FOUND = 13;
  int ERROR_GPU_IS_LOST = 15;

  /** Field id of the present (not averaged) board power, in mW. */
  int FI_DEV_POWER_INSTANT = 186;

  /** {@code nvmlTemperatureSensors_t}: the GPU die. */
  int TEMPERATURE_GPU = 0;

  /** {@code nvmlClockType_t}: the streaming multiprocessors' clock. */
  int CLOCK_SM = 1;

  /** Buffer sizes from nvml.h that are guaranteed to be large enough. */
  int SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;

  int DEVICE_NAME_V2_BUFFER_SIZE = 96;

  int DEVICE_UUID_V2_BUFFER_SIZE = 96;

  int nvmlInit_v2();

  int nvmlShutdown();

  String nvmlErrorString(int result);

  int nvmlSystemGetDriverVersion(byte[] version, int length);

  int nvmlDeviceGetCount_v2(IntByReference deviceCount);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetHandleByUUID(String uuid, PointerByReference device);

  int nvmlDeviceGetIndex(Pointer device, IntByReference index);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  /**
   * Fills an {@code nvmlPciInfo_t}: {@code char busIdLegacy[16]}, five {@code unsigned int}s, then
   * {@code char busId[32]} at byte 36.
   */
  int nvmlDeviceGetPciInfo_v3(Pointer device, Pointer pci);

  /** {@code nvmlDeviceArchitecture_t}: 5 volta, 7 ampere, 8 ada, 9 hopper, 10 blackwell. */
  int nvmlDeviceGetArchitecture(Pointer device, IntByReference arch);

  /** Milliwatts. */
  int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference limit);

  /** Milliwatts, a one-second running average on Hopper: for display, never for energy. */
  int nvmlDeviceGetPowerUsage(Pointer device, IntByReference power);

  /** Millijoules since the driver loaded, refreshed about every 100 ms (Volta and newer). */
  int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference energy);

  /** {@code values} must come from {@link NvmlFieldValue#toArray(int)} (contiguous memory). */
  int nvmlDeviceGetFieldValues(Pointer device, int valuesCount, NvmlFieldValue[] values);

  /** Fills an {@code nvmlUtilization_t}: {@code unsigned int gpu, memory} (percent). */
  int nvmlDeviceGetUtilizationRates(Pointer device, Pointer utilization);

  /** Fills an {@code nvmlMemory_t}: {@code unsigned long long total, free, used} (bytes). */
  int nvmlDeviceGetMemoryInfo(Pointer device, Pointer memory);

  /** Degrees Celsius. */
  int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference temp);

  /** MHz. */
  int nvmlDeviceGetClockInfo(Pointer device, int type, IntByReference clock);
}
