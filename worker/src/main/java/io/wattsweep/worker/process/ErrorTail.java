package io.wattsweep.worker.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Passes a child process's standard error (a job's process, a command workload) through to this
 * process's own, and keeps its last lines: when a process dies without saying why in an event, they
 * are the reason.
 */
public final class ErrorTail {
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final int keep;
  private final Thread reader;

  /** Starts reading {@code stderr} on a daemon thread, keeping its last {@code keep} lines. */
  public ErrorTail(InputStream stderr, int keep) {
    this.keep = keep;
    this.reader = new Thread(() -> pump(stderr), "job-stderr");
    reader.setDaemon(true);
    reader.start();
  }

  private void pump(InputStream stderr) {
    try (var in = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        System.err.println(line);
        synchronized (lines) {
          lines.addLast(line);
          if (lines.size() > keep) {
            lines.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      System.err.println("job stderr closed: " + e);
    }
  }

  /** The kept lines, once the process has closed its standard error. */
  public String await() throws InterruptedException {
    reader.join(5_000);
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }
}
