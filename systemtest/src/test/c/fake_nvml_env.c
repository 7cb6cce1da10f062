/*
 * Configures the worker module's fake libnvidia-ml (worker/src/test/c/fake_nvml.c) from the
 * environment when the library loads, so that a whole worker process, and the job processes it
 * starts, see the same fake GPUs: FAKE_NVML_SPEC takes the spec fakeNvmlConfigure takes
 * ("gpus=2;watts=220,90;limit_watts=400"). Link it into the same library:
 *
 *   gcc -shared -fPIC -o libnvidia-ml.so fake_nvml.c fake_nvml_env.c -lm
 */
#include <stdlib.h>

int fakeNvmlConfigure(const char *spec);

__attribute__((constructor)) static void configure_from_environment(void) {
  const char *spec = getenv("FAKE_NVML_SPEC");
  fakeNvmlConfigure(spec ? spec : "");
}
