package io.wattsweep.worker.run;

import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.RunEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

/**
 * Where a job process writes its events: one line each on standard output, behind a marker so that
 * nothing else a library prints there is taken for an event. Assigns the run's sequence numbers;
 * safe to call from the training and sampler threads.
 */
public final class EventSink {
  /** Lines that start with this carry one encoded event. */
  public static final String MARKER = "@@wattsweep-event ";

  private final PrintStream out;
  private long nextSeq;

  public EventSink(PrintStream out) {
    this.out = out;
  }

  /** Builds the event with the next sequence number and writes it. */
  public synchronized RunEvent emit(LongFunction<RunEvent> event) {
    RunEvent e = event.apply(nextSeq++);
    out.println(MARKER + new String(EventCodec.encode(e), StandardCharsets.UTF_8));
    out.flush();
    return e;
  }
}
