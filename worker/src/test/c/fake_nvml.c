/*
 * A fake libnvidia-ml.so for wattsweep's tests: it exports the NVML functions that
 * io.wattsweep.worker.meter.nvml binds, with the same C signatures and struct layouts as nvml.h,
 * so the real JNA binding is exercised without a GPU.
 *
 * Build: gcc -shared -fPIC -O1 -o libnvidia-ml.so fake_nvml.c
 *
 * Tests configure it through fakeNvmlConfigure() before nvmlInit_v2, because environment
 * variables cannot be changed inside a running JVM. A spec is a ';'-separated list of key=value:
 *   gpus=N                  devices (1..16, default 1)
 *   watts=W0,W1,...         constant power per device (default 100; the last value repeats)
 *   name=TEXT               device name (default "NVIDIA H200")
 *   arch=N                  nvmlDeviceArchitecture_t (default 9, hopper)
 *   limit_watts=W           enforced power limit (default 700)
 *   driver=TEXT             driver version (default 580.95.05)
 *   energy_unsupported=L    'all' or device indexes (L = 0,2): the energy counter is not supported
 *   instant_unsupported=L   as above, for field NVML_FI_DEV_POWER_INSTANT
 *   lost_after_ms=N         every device call returns NVML_ERROR_GPU_IS_LOST after N ms
 *   init_fail=1             nvmlInit_v2 returns NVML_ERROR_DRIVER_NOT_LOADED
 *   clock=manual            time stands still until fakeNvmlAdvanceMs (default: CLOCK_MONOTONIC)
 *
 * Like the real driver, the energy counter (mJ) advances in 100 ms ticks, instant power is the
 * present power, and nvmlDeviceGetPowerUsage is the mean over the last second.
 *
 * There is no lock: a test changes power or time from one thread while a meter's sampler may
 * read; an instant-power read touches only one aligned double, which x86-64 and arm64 read whole.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;
typedef struct fake_device *nvmlDevice_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_DRIVER_NOT_LOADED 9
#define NVML_ERROR_GPU_IS_LOST 15
#define NVML_ERROR_UNKNOWN 999

#define NVML_FI_DEV_POWER_INSTANT 186
#define NVML_VALUE_TYPE_UNSIGNED_INT 1
#define NVML_TEMPERATURE_GPU 0
#define NVML_CLOCK_SM 1

/* Layouts copied field for field from nvml.h. */
typedef union nvmlValue_st {
  double dVal;
  unsigned int uiVal;
  unsigned long ulVal;
  unsigned long long ullVal;
  signed long long sllVal;
  int siVal;
  unsigned short usVal;
} nvmlValue_t;

typedef struct nvmlFieldValue_st {
  unsigned int fieldId;
  unsigned int scopeId;
  long long timestamp;
  long long latencyUsec;
  unsigned int valueType;
  nvmlReturn_t nvmlReturn;
  nvmlValue_t value;
} nvmlFieldValue_t;

_Static_assert(sizeof(nvmlFieldValue_t) == 40, "nvmlFieldValue_t is 40 bytes in nvml.h");
_Static_assert(offsetof(nvmlFieldValue_t, value) == 32, "value sits at byte 32 in nvml.h");

typedef struct nvmlUtilization_st {
  unsigned int gpu;
  unsigned int memory;
} nvmlUtilization_t;

typedef struct nvmlMemory_st {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

typedef struct nvmlPciInfo_st {
  char busIdLegacy[16];
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;
  unsigned int pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

#define MAX_GPUS 16
#define TICK_NS 100000000LL

struct fake_device {
  unsigned int index;
  char uuid[96];
  double watts;
  /* Energy integrated up to changed_ns, and the power before that moment (for the averages). */
  double energy_mj_at_change;
  long long changed_ns;
  double previous_watts;
  int energy_unsupported;
  int instant_unsupported;
};

static struct {
  int gpus;
  char name[96];
  unsigned int arch;
  unsigned int limit_mw;
  char driver[80];
  long long lost_after_ns; /* < 0: never */
  int init_fail;
  int manual_clock;
  long long manual_ns;
  long long origin_ns;
  int init_count;
  long long field_reads;
  struct fake_device devices[MAX_GPUS];
} fake;

static long long monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Nanoseconds since fakeNvmlConfigure: the fake's own time line. */
static long long now_ns(void) {
  return fake.manual_clock ? fake.manual_ns : monotonic_ns() - fake.origin_ns;
}

static void mark_list(const char *list, int is_energy) {
  for (int i = 0; i < MAX_GPUS; i++) {
    int on = strcmp(list, "all") == 0;
    if (!on) {
      char copy[256];
      snprintf(copy, sizeof copy, "%s", list);
      char *save = NULL;
      for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (atoi(t) == i) on = 1;
      }
    }
    if (is_energy) {
      fake.devices[i].energy_unsupported = on;
    } else {
      fake.devices[i].instant_unsupported = on;
    }
  }
}

/* Resets all state and applies a spec; returns 0, or -1 on an unknown key. */
int fakeNvmlConfigure(const char *spec) {
  memset(&fake, 0, sizeof fake);
  fake.gpus = 1;
  snprintf(fake.name, sizeof fake.name, "NVIDIA H200");
  fake.arch = 9;
  fake.limit_mw = 700000;
  snprintf(fake.driver, sizeof fake.driver, "580.95.05");
  fake.lost_after_ns = -1;
  fake.origin_ns = monotonic_ns();
  double watts[MAX_GPUS];
  int nwatts = 0;
  int rc = 0;

  char copy[1024];
  snprintf(copy, sizeof copy, "%s", spec ? spec : "");
  char *save = NULL;
  for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq) continue;
    *eq = '\0';
    const char *key = kv;
    const char *value = eq + 1;
    if (strcmp(key, "gpus") == 0) {
      fake.gpus = atoi(value);
      if (fake.gpus < 0) fake.gpus = 0;
      if (fake.gpus > MAX_GPUS) fake.gpus = MAX_GPUS;
    } else if (strcmp(key, "watts") == 0) {
      char list[256];
      snprintf(list, sizeof list, "%s", value);
      char *wsave = NULL;
      for (char *t = strtok_r(list, ",", &wsave); t && nwatts < MAX_GPUS;
           t = strtok_r(NULL, ",", &wsave)) {
        watts[nwatts++] = atof(t);
      }
    } else if (strcmp(key, "name") == 0) {
      snprintf(fake.name, sizeof fake.name, "%s", value);
    } else if (strcmp(key, "arch") == 0) {
      fake.arch = (unsigned int)strtoul(value, NULL, 10);
    } else if (strcmp(key, "limit_watts") == 0) {
      fake.limit_mw = (unsigned int)(atof(value) * 1000);
    } else if (strcmp(key, "driver") == 0) {
      snprintf(fake.driver, sizeof fake.driver, "%s", value);
    } else if (strcmp(key, "energy_unsupported") == 0) {
      mark_list(value, 1);
    } else if (strcmp(key, "instant_unsupported") == 0) {
      mark_list(value, 0);
    } else if (strcmp(key, "lost_after_ms") == 0) {
      fake.lost_after_ns = atoll(value) * 1000000LL;
    } else if (strcmp(key, "init_fail") == 0) {
      fake.init_fail = atoi(value);
    } else if (strcmp(key, "clock") == 0) {
      fake.manual_clock = strcmp(value, "manual") == 0;
    } else {
      fprintf(stderr, "fake_nvml: unknown key '%s'\n", key);
      rc = -1;
    }
  }

  for (int i = 0; i < MAX_GPUS; i++) {
    struct fake_device *d = &fake.devices[i];
    d->index = (unsigned int)i;
    snprintf(d->uuid, sizeof d->uuid, "GPU-fa4e%04x-0000-4000-8000-%012x", i, i);
    d->watts = nwatts == 0 ? 100.0 : watts[i < nwatts ? i : nwatts - 1];
    d->previous_watts = d->watts;
    /* A real counter starts at the driver's load, not at zero. */
    d->energy_mj_at_change = 1.0e9 + 1.0e6 * i;
    d->changed_ns = 0;
  }
  return rc;
}

/* Moves the manual clock forward. */
void fakeNvmlAdvanceMs(long long ms) { fake.manual_ns += ms * 1000000LL; }

/* The fake's present time, for a test's clock that must agree with it. */
long long fakeNvmlNowNanos(void) { return now_ns(); }

/* How many nvmlDeviceGetFieldValues calls have been answered, to see a sampler at work. */
long long fakeNvmlFieldReads(void) { return __atomic_load_n(&fake.field_reads, __ATOMIC_SEQ_CST); }

/* How many nvmlInit_v2 calls are not yet matched by nvmlShutdown. */
int fakeNvmlInitCount(void) { return fake.init_count; }

static double energy_mj_at(const struct fake_device *d, long long t_ns) {
  if (t_ns >= d->changed_ns) {
    return d->energy_mj_at_change + d->watts * (double)(t_ns - d->changed_ns) / 1.0e6;
  }
  /* Before the last change: assumes changes are more than a tick apart, enough for a fake. */
  return d->energy_mj_at_change - d->previous_watts * (double)(d->changed_ns - t_ns) / 1.0e6;
}

/* Changes a device's power from now on; returns 0, or -1 for a bad index. */
int fakeNvmlSetWatts(int index, double watts) {
  if (index < 0 || index >= fake.gpus) return -1;
  struct fake_device *d = &fake.devices[index];
  long long t = now_ns();
  d->energy_mj_at_change = energy_mj_at(d, t);
  d->changed_ns = t;
  d->previous_watts = d->watts;
  d->watts = watts;
  return 0;
}

/* Checks a handle and the device's health, as the start of every device call. */
static nvmlReturn_t device_rc(nvmlDevice_t device) {
  if (fake.init_count <= 0) return NVML_ERROR_UNINITIALIZED;
  if (device < &fake.devices[0] || device >= &fake.devices[fake.gpus]) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  if (fake.lost_after_ns >= 0 && now_ns() >= fake.lost_after_ns) return NVML_ERROR_GPU_IS_LOST;
  return NVML_SUCCESS;
}

static nvmlReturn_t copy_string(char *out, unsigned int length, const char *value) {
  if (!out) return NVML_ERROR_INVALID_ARGUMENT;
  if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy(out, value, strlen(value) + 1);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit_v2(void) {
  if (fake.init_fail) return NVML_ERROR_DRIVER_NOT_LOADED;
  fake.init_count++;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
  if (fake.init_count <= 0) return NVML_ERROR_UNINITIALIZED;
  fake.init_count--;
  return NVML_SUCCESS;
}

/* The same texts as the real library's. */
const char *nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  if (fake.init_count <= 0) return NVML_ERROR_UNINITIALIZED;
  return copy_string(version, length, fake.driver);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  if (fake.init_count <= 0) return NVML_ERROR_UNINITIALIZED;
  if (!count) return NVML_ERROR_INVALID_ARGUMENT;
  *count = (unsigned int)fake.gpus;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (fake.init_count <= 0) return NVML_ERROR_UNINITIALIZED;
  if (!device || index >= (unsigned int)fake.gpus) return NVML_ERROR_INVALID_ARGUMENT;
  *device = &fake.devices[index];
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device) {
  if (fake.init_count <= 0) return NVML_ERROR_UNINITIALIZED;
  if (!uuid || !device) return NVML_ERROR_INVALID_ARGUMENT;
  for (int i = 0; i < fake.gpus; i++) {
    if (strcmp(fake.devices[i].uuid, uuid) == 0) {
      *device = &fake.devices[i];
      return NVML_SUCCESS;
    }
  }
  return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int *index) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!index) return NVML_ERROR_INVALID_ARGUMENT;
  *index = device->index;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  nvmlReturn_t rc = device_rc(device);
  return rc != NVML_SUCCESS ? rc : copy_string(name, length, fake.name);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  nvmlReturn_t rc = device_rc(device);
  return rc != NVML_SUCCESS ? rc : copy_string(uuid, length, device->uuid);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!pci) return NVML_ERROR_INVALID_ARGUMENT;
  memset(pci, 0, sizeof *pci);
  pci->bus = 0x19 + device->index;
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:%02X:00.0", pci->bus);
  snprintf(pci->busId, sizeof pci->busId, "00000000:%02X:00.0", pci->bus);
  pci->pciDeviceId = 0x233510de;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device, unsigned int *arch) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!arch) return NVML_ERROR_INVALID_ARGUMENT;
  *arch = fake.arch;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!limit) return NVML_ERROR_INVALID_ARGUMENT;
  *limit = fake.limit_mw;
  return NVML_SUCCESS;
}

/* The mean over the last second, as on Hopper: lags a change of power. */
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!power) return NVML_ERROR_INVALID_ARGUMENT;
  long long window = 1000000000LL;
  long long t = now_ns();
  double since = (double)(t - device->changed_ns);
  double fresh = since >= (double)window ? 1.0 : since / (double)window;
  double watts = fresh * device->watts + (1.0 - fresh) * device->previous_watts;
  *power = (unsigned int)llround(watts * 1000.0);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!energy) return NVML_ERROR_INVALID_ARGUMENT;
  if (device->energy_unsupported) return NVML_ERROR_NOT_SUPPORTED;
  long long tick = now_ns() / TICK_NS * TICK_NS;
  *energy = (unsigned long long)llround(floor(energy_mj_at(device, tick)));
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, nvmlFieldValue_t *values) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!values || count < 0) return NVML_ERROR_INVALID_ARGUMENT;
  __atomic_add_fetch(&fake.field_reads, 1, __ATOMIC_SEQ_CST);
  for (int i = 0; i < count; i++) {
    nvmlFieldValue_t *v = &values[i];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    v->timestamp = (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
    v->latencyUsec = 0;
    if (v->fieldId != NVML_FI_DEV_POWER_INSTANT || v->scopeId != 0) {
      v->nvmlReturn = NVML_ERROR_INVALID_ARGUMENT;
    } else if (device->instant_unsupported) {
      v->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
    } else {
      v->nvmlReturn = NVML_SUCCESS;
      v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
      v->value.ullVal = 0;
      v->value.uiVal = (unsigned int)llround(device->watts * 1000.0);
    }
  }
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!utilization) return NVML_ERROR_INVALID_ARGUMENT;
  utilization->gpu = 90 + device->index;
  utilization->memory = 40 + device->index;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!memory) return NVML_ERROR_INVALID_ARGUMENT;
  memory->total = 150754820096ULL;
  memory->used = 1073741824ULL * (device->index + 1);
  memory->free = memory->total - memory->used;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *temp) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!temp || sensor != NVML_TEMPERATURE_GPU) return NVML_ERROR_INVALID_ARGUMENT;
  *temp = 45 + device->index;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
  nvmlReturn_t rc = device_rc(device);
  if (rc != NVML_SUCCESS) return rc;
  if (!clock) return NVML_ERROR_INVALID_ARGUMENT;
  if (type != NVML_CLOCK_SM) return NVML_ERROR_NOT_SUPPORTED;
  *clock = 1980;
  return NVML_SUCCESS;
}
