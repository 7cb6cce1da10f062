package io.wattsweep.worker.meter;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The fake libnvidia-ml of src/test/c/fake_nvml.c, compiled with gcc into a directory, with its
 * steering exports. Each build is its own library file, so its state is its own. Used by tests and
 * by the benchmark mains, so it needs no test framework.
 */
public final class FakeNvmlLibrary {
  /** The fake's extra exports, for steering it (see fake_nvml.c). */
  public interface Control extends Library {
    int fakeNvmlConfigure(String spec);

    void fakeNvmlAdvanceMs(long ms);

    long fakeNvmlNowNanos();

    int fakeNvmlSetWatts(int index, double watts);

    int fakeNvmlInitCount();

    long fakeNvmlFieldReads();
  }

  private final Path file;
  private final Control control;

  private FakeNvmlLibrary(Path file) {
    this.file = file;
    this.control = Native.load(file.toString(), Control.class);
  }

  /** Compiles the fake into {@code dir}. */
  public static FakeNvmlLibrary build(Path dir) throws IOException, InterruptedException {
    Path source = Path.of(System.getProperty("basedir", "."), "src/test/c/fake_nvml.c");
    Path library = dir.resolve("libnvidia-ml.so");
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-O1",
                "-Wall",
                "-Werror",
                "-o",
                library.toString(),
                source.toString(),
                "-lm")
            .redirectErrorStream(true)
            .start();
    String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (gcc.waitFor() != 0) {
      throw new IllegalStateException("gcc failed:\n" + output);
    }
    return new FakeNvmlLibrary(library);
  }

  /** The library file, for {@code WATTSWEEP_NVML_LIBRARY}. */
  public Path file() {
    return file;
  }

  public Control control() {
    return control;
  }

  /** Applies a spec (see fake_nvml.c); an unknown key is an error. */
  public void configure(String spec) {
    if (control.fakeNvmlConfigure(spec) != 0) {
      throw new IllegalArgumentException("the fake NVML rejects the spec: " + spec);
    }
  }
}
