package io.wattsweep.worker.meter.nvml;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An initialised NVML with typed calls: each checks its return code, and "not supported" comes back
 * as an empty optional where a caller can do without the value. NVML is thread-safe, so a session
 * may be used from several threads.
 */
final class NvmlSession {
  private static final Logger LOG = LoggerFactory.getLogger(NvmlSession.class);

  /** The system's names: JNA maps the first to libnvidia-ml.so, which only dev packages link. */
  private static final List<String> SYSTEM_NAMES = List.of("nvidia-ml", "libnvidia-ml.so.1");

  /** sizeof(nvmlPciInfo_t) is 68 (busId sits at byte 36); room to spare for newer layouts. */
  private static final int PCI_INFO_BYTES = 128;

  private static final int PCI_BUS_ID_OFFSET = 36;

  /** A device handle with the label its errors name ("GPU 1"). */
  record Handle(Pointer pointer, String label) {}

  private final Nvml lib;
  private final String source;

  private NvmlSession(Nvml lib, String source) {
    this.lib = lib;
    this.source = source;
  }

  /**
   * Loads the library and calls {@code nvmlInit_v2}.
   *
   * @param env where {@value Nvml#LIBRARY_ENV} is looked up
   * @throws NvmlUnavailableException if the library cannot be loaded or initialised
   */
  static NvmlSession open(Map<String, String> env) {
    String override = System.getProperty(Nvml.LIBRARY_PROPERTY);
    if (override == null || override.isBlank()) {
      override = env.get(Nvml.LIBRARY_ENV);
    }
    List<String> names =
        override == null || override.isBlank() ? SYSTEM_NAMES : List.of(override.trim());
    Nvml lib = null;
    String loaded = null;
    List<String> failures = new ArrayList<>();
    for (String name : names) {
      try {
        lib = Native.load(name, Nvml.class);
        loaded = name;
        break;
      } catch (UnsatisfiedLinkError e) {
        failures.add(name + ": " + e.getMessage());
      }
    }
    if (lib == null) {
      throw new NvmlUnavailableException(
          "the NVML library cannot be loaded (" + String.join("; ", failures) + ")");
    }
    int rc;
    try {
      rc = lib.nvmlInit_v2();
    } catch (UnsatisfiedLinkError e) {
      throw new NvmlUnavailableException(
          "the NVML library " + loaded + " has no nvmlInit_v2: " + e.getMessage(), e);
    }
    NvmlSession session = new NvmlSession(lib, loaded);
    if (rc != Nvml.SUCCESS) {
      NvmlException cause = session.failure(rc, "nvmlInit_v2");
      throw new NvmlUnavailableException(
          "NVML cannot be initialised from " + loaded + ": " + cause.getMessage(), cause);
    }
    LOG.debug("NVML initialised from {}", loaded);
    return session;
  }

  /** Which library file or name was loaded. */
  String source() {
    return source;
  }

  /**
   * @throws NvmlException unless {@code rc} is {@link Nvml#SUCCESS}
   */
  void check(int rc, String call) {
    if (rc != Nvml.SUCCESS) {
      throw failure(rc, call);
    }
  }

  /** As {@link #check(int, String)}, naming the device in the message. */
  void check(int rc, String call, Handle device) {
    if (rc != Nvml.SUCCESS) {
      throw failure(rc, call + " on " + device.label());
    }
  }

  NvmlException failure(int rc, String call) {
    return new NvmlException(call, rc, errorString(rc));
  }

  String errorString(int rc) {
    String text = lib.nvmlErrorString(rc);
    return text == null ? "unknown NVML error" : text;
  }

  /** Balances {@link #open}; failures are logged, not thrown, as there is nothing left to do. */
  void shutdown() {
    int rc = lib.nvmlShutdown();
    if (rc != Nvml.SUCCESS) {
      LOG.warn("nvmlShutdown failed: {} ({})", errorString(rc), rc);
    }
  }

  String driverVersion() {
    byte[] buffer = new byte[Nvml.SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
    check(lib.nvmlSystemGetDriverVersion(buffer, buffer.length), "nvmlSystemGetDriverVersion");
    return Native.toString(buffer);
  }

  int deviceCount() {
    IntByReference count = new IntByReference();
    check(lib.nvmlDeviceGetCount_v2(count), "nvmlDeviceGetCount_v2");
    return count.getValue();
  }

  Handle handleByIndex(int index) {
    PointerByReference handle = new PointerByReference();
    check(
        lib.nvmlDeviceGetHandleByIndex_v2(index, handle),
        "nvmlDeviceGetHandleByIndex_v2(" + index + ")");
    return new Handle(handle.getValue(), "GPU " + index);
  }

  /** Empty when no device has exactly this UUID. */
  Optional<Handle> handleByUuid(String uuid) {
    PointerByReference handle = new PointerByReference();
    int rc = lib.nvmlDeviceGetHandleByUUID(uuid, handle);
    if (rc == Nvml.ERROR_NOT_FOUND || rc == Nvml.ERROR_INVALID_ARGUMENT) {
      return Optional.empty();
    }
    check(rc, "nvmlDeviceGetHandleByUUID(" + uuid + ")");
    return Optional.of(new Handle(handle.getValue(), uuid));
  }

  int index(Handle device) {
    IntByReference index = new IntByReference();
    check(lib.nvmlDeviceGetIndex(device.pointer(), index), "nvmlDeviceGetIndex", device);
    return index.getValue();
  }

  String name(Handle device) {
    byte[] buffer = new byte[Nvml.DEVICE_NAME_V2_BUFFER_SIZE];
    int rc = lib.nvmlDeviceGetName(device.pointer(), buffer, buffer.length);
    check(rc, "nvmlDeviceGetName", device);
    return Native.toString(buffer);
  }

  String uuid(Handle device) {
    byte[] buffer = new byte[Nvml.DEVICE_UUID_V2_BUFFER_SIZE];
    int rc = lib.nvmlDeviceGetUUID(device.pointer(), buffer, buffer.length);
    check(rc, "nvmlDeviceGetUUID", device);
    return Native.toString(buffer);
  }

  /** The PCI bus id ("00000000:19:00.0"), for logs; empty where NVML does not say. */
  Optional<String> pciBusId(Handle device) {
    Memory pci = new Memory(PCI_INFO_BYTES);
    pci.clear();
    int rc = lib.nvmlDeviceGetPciInfo_v3(device.pointer(), pci);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return Optional.empty();
    }
    check(rc, "nvmlDeviceGetPciInfo_v3", device);
    return Optional.of(pci.getString(PCI_BUS_ID_OFFSET, "US-ASCII"));
  }

  /** Lower-case architecture name ("hopper"); "unknown" for drivers that cannot say. */
  String architecture(Handle device) {
    IntByReference arch = new IntByReference();
    int rc;
    try {
      rc = lib.nvmlDeviceGetArchitecture(device.pointer(), arch);
    } catch (UnsatisfiedLinkError e) {
      return "unknown"; // drivers before R450 lack the call
    }
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return "unknown";
    }
    check(rc, "nvmlDeviceGetArchitecture", device);
    return architectureName(arch.getValue());
  }

  static String architectureName(int arch) {
    switch (arch) {
      case 2:
        return "kepler";
      case 3:
        return "maxwell";
      case 4:
        return "pascal";
      case 5:
        return "volta";
      case 6:
        return "turing";
      case 7:
        return "ampere";
      case 8:
        return "ada";
      case 9:
        return "hopper";
      case 10:
        return "blackwell";
      case 11:
        return "orin";
      default:
        return "unknown-" + Integer.toUnsignedString(arch);
    }
  }

  /** Enforced power limit in watts; empty where the board does not report one. */
  OptionalDouble powerLimitWatts(Handle device) {
    IntByReference limit = new IntByReference();
    int rc = lib.nvmlDeviceGetEnforcedPowerLimit(device.pointer(), limit);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return OptionalDouble.empty();
    }
    check(rc, "nvmlDeviceGetEnforcedPowerLimit", device);
    return OptionalDouble.of(Integer.toUnsignedLong(limit.getValue()) / 1000.0);
  }

  /** The total-energy counter in mJ; empty where the GPU does not support it (before Volta). */
  OptionalLong energyMillijoules(Handle device) {
    LongByReference energy = new LongByReference();
    int rc = lib.nvmlDeviceGetTotalEnergyConsumption(device.pointer(), energy);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return OptionalLong.empty();
    }
    check(rc, "nvmlDeviceGetTotalEnergyConsumption", device);
    return OptionalLong.of(energy.getValue());
  }

  /**
   * Present power in watts from field {@link Nvml#FI_DEV_POWER_INSTANT}; empty where the driver or
   * board does not know the field (older drivers answer "invalid argument" for it).
   */
  OptionalDouble instantPowerWatts(Handle device) {
    NvmlFieldValue[] values = (NvmlFieldValue[]) new NvmlFieldValue().toArray(1);
    values[0].fieldId = Nvml.FI_DEV_POWER_INSTANT;
    values[0].scopeId = 0; // NVML_POWER_SCOPE_GPU
    int rc = lib.nvmlDeviceGetFieldValues(device.pointer(), 1, values);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return OptionalDouble.empty();
    }
    check(rc, "nvmlDeviceGetFieldValues", device);
    int fieldRc = values[0].nvmlReturn;
    if (fieldRc == Nvml.ERROR_NOT_SUPPORTED || fieldRc == Nvml.ERROR_INVALID_ARGUMENT) {
      return OptionalDouble.empty();
    }
    check(fieldRc, "nvmlDeviceGetFieldValues(NVML_FI_DEV_POWER_INSTANT)", device);
    return OptionalDouble.of(values[0].asDouble() / 1000.0);
  }

  /** The averaged power in watts (one second on Hopper): for display only. */
  double powerUsageWatts(Handle device) {
    IntByReference power = new IntByReference();
    int rc = lib.nvmlDeviceGetPowerUsage(device.pointer(), power);
    check(rc, "nvmlDeviceGetPowerUsage", device);
    return Integer.toUnsignedLong(power.getValue()) / 1000.0;
  }

  /** {gpu, memory} utilization in percent; empty where not supported. */
  Optional<int[]> utilizationPercent(Handle device) {
    Memory utilization = new Memory(8);
    int rc = lib.nvmlDeviceGetUtilizationRates(device.pointer(), utilization);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return Optional.empty();
    }
    check(rc, "nvmlDeviceGetUtilizationRates", device);
    return Optional.of(new int[] {utilization.getInt(0), utilization.getInt(4)});
  }

  /** {total, used} device memory in bytes; empty where not supported. */
  Optional<long[]> memoryBytes(Handle device) {
    Memory memory = new Memory(24);
    int rc = lib.nvmlDeviceGetMemoryInfo(device.pointer(), memory);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return Optional.empty();
    }
    check(rc, "nvmlDeviceGetMemoryInfo", device);
    return Optional.of(new long[] {memory.getLong(0), memory.getLong(16)});
  }

  OptionalInt temperatureCelsius(Handle device) {
    IntByReference temp = new IntByReference();
    int rc = lib.nvmlDeviceGetTemperature(device.pointer(), Nvml.TEMPERATURE_GPU, temp);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return OptionalInt.empty();
    }
    check(rc, "nvmlDeviceGetTemperature", device);
    return OptionalInt.of(temp.getValue());
  }

  OptionalInt smClockMhz(Handle device) {
    IntByReference clock = new IntByReference();
    int rc = lib.nvmlDeviceGetClockInfo(device.pointer(), Nvml.CLOCK_SM, clock);
    if (rc == Nvml.ERROR_NOT_SUPPORTED) {
      return OptionalInt.empty();
    }
    check(rc, "nvmlDeviceGetClockInfo(SM)", device);
    return OptionalInt.of(clock.getValue());
  }
}
