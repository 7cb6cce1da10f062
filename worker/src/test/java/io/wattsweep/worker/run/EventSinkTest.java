package io.wattsweep.worker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.FailureReason;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.event.RunFailed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EventSinkTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final EventSink sink = new EventSink(out);

  @Test
  void eachEventIsOneMarkedLineThatDecodesBack() {
    RunEvent first =
        sink.emit(seq -> new PowerSample("j1", "r1", seq, 10, 250.5, EnergyMethod.RAPL));
    RunEvent second =
        sink.emit(
            seq ->
                new RunFailed("j1", "r1", seq, 20, FailureReason.INTERNAL, "line one\nline two"));

    String[] lines = text().split("\n");

    assertEquals(2, lines.length, text());
    assertTrue(lines[0].startsWith(EventSink.MARKER), lines[0]);
    assertEquals(List.of(first, second), List.of(decode(lines[0]), decode(lines[1])));
    assertEquals("line one\nline two", ((RunFailed) decode(lines[1])).message());
  }

  @Test
  void sequenceNumbersAreAssignedInOrderFromZero() {
    RunEvent a = sink.emit(seq -> sample(seq));
    RunEvent b = sink.emit(seq -> sample(seq));
    RunEvent c = sink.emit(seq -> sample(seq));

    assertEquals(List.of(0L, 1L, 2L), List.of(a.seq(), b.seq(), c.seq()));
  }

  @Test
  void linesOthersPrintBetweenEventsAreLeftForReadersToSkip() {
    sink.emit(seq -> sample(seq));
    out.println("2026-03-01 12:00:00.123 I tensorflow/core/platform/cpu_feature_guard.cc:210]");
    out.println("{\"v\":1,\"type\":\"power-sample\"} (a library's JSON, not an event)");
    sink.emit(seq -> sample(seq));

    List<RunEvent> events = new ArrayList<>();
    for (String line : text().split("\n")) {
      if (line.startsWith(EventSink.MARKER)) {
        events.add(decode(line));
      }
    }

    assertEquals(List.of(0L, 1L), events.stream().map(RunEvent::seq).toList());
  }

  @Test
  void concurrentEmittersGetDistinctSequenceNumbersInLineOrder() throws Exception {
    int threads = 4;
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    sink.emit(seq -> sample(seq));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<Long> seqs = new ArrayList<>();
    for (String line : text().split("\n")) {
      seqs.add(decode(line).seq());
    }

    assertEquals(LongStream.range(0, threads * perThread).boxed().toList(), seqs);
  }

  private static PowerSample sample(long seq) {
    return new PowerSample("j1", "r1", seq, 0, 100.0, EnergyMethod.TDP_ESTIMATE);
  }

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static RunEvent decode(String line) {
    return (RunEvent)
        EventCodec.decodeEvent(
            line.substring(EventSink.MARKER.length()).getBytes(StandardCharsets.UTF_8));
  }
}
