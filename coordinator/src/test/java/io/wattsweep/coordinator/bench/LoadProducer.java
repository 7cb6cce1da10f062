package io.wattsweep.coordinator.bench;

import io.wattsweep.common.Topics;
import io.wattsweep.common.energy.EnergyMethod;
import io.wattsweep.common.event.BatchMeasured;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.PowerSample;
import io.wattsweep.common.event.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The workers' side of {@link IngestBench}: run events at a fixed rate, in a process of its own so
 * that producing them does not compete with the ingestor inside one JVM, plus a probe run's power
 * sample every 5 ms whose delay the bench measures. An event's {@code atMs} is when it was sent, on
 * this machine's clock, which the bench's own process shares.
 *
 * <p>Arguments: bootstrap servers, events per second, warm-up seconds, measured seconds, number of
 * runs the load is spread over, run-id suffix, probe run id, then the job ids. Prints "measuring"
 * when the warm-up ends, then how many events and probes it sent while measuring, and its CPU time
 * meanwhile.
 */
final class LoadProducer {
  private static final long PROBE_EVERY_NANOS = 5_000_000;

  private LoadProducer() {}

  public static void main(String[] args) {
    String bootstrap = args[0];
    int rate = Integer.parseInt(args[1]);
    int warmupSeconds = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int runCount = Integer.parseInt(args[4]);
    String suffix = args[5];
    String probe = args[6];
    List<String> jobs = List.of(args).subList(7, args.length);
    // The load is encoded before the clock starts, so that this process's CPU goes to sending
    // (a worker encodes one event at a time, spread over its run); only the probes, whose delay
    // is measured, are encoded when sent and carry their sending time.
    List<String> runs = runs(jobs, suffix, runCount);
    long[] seqs = new long[runCount];
    long loadAtMs = System.currentTimeMillis();
    var load = new ArrayList<ProducerRecord<String, byte[]>>();
    for (long i = 0; i < (long) rate * (warmupSeconds + seconds); i++) {
      load.add(record(event(jobs, runs, seqs, (int) (i % runCount), loadAtMs)));
    }
    try (var producer = producer(bootstrap)) {
      producer.partitionsFor(Topics.EVENTS);
      // The warm-up compiles this process's sending path and the ingestor's: no probes yet.
      var sender = new Sender(producer, load, rate);
      sender.sendFor(warmupSeconds, null);
      System.out.println("measuring");
      long cpuAtStart = cpuNanos();
      long sentBefore = sender.sent;
      long probes = sender.sendFor(seconds, jobs.get(0) + " " + probe);
      producer.flush();
      System.out.println(
          "sent "
              + (sender.sent - sentBefore)
              + " events and "
              + probes
              + " probes, CPU "
              + (cpuNanos() - cpuAtStart) / 1_000_000
              + " ms");
    }
  }

  /** Sends the load at a fixed rate, from where it left off. */
  private static final class Sender {
    private final KafkaProducer<String, byte[]> producer;
    private final List<ProducerRecord<String, byte[]>> load;
    private final int rate;
    private int sent;

    Sender(
        KafkaProducer<String, byte[]> producer,
        List<ProducerRecord<String, byte[]>> load,
        int rate) {
      this.producer = producer;
      this.load = load;
      this.rate = rate;
    }

    /**
     * Sends for this many seconds, and a probe sample every 5 ms when {@code probe} is "JOB RUN";
     * returns how many probes it sent.
     */
    long sendFor(int seconds, String probe) {
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      int from = sent;
      long probeSeq = 0;
      long nextProbe = start;
      for (long now = start; now < end; now = System.nanoTime()) {
        if (probe != null && now >= nextProbe) {
          String[] jobAndRun = probe.split(" ");
          producer.send(
              record(
                  new PowerSample(
                      jobAndRun[0],
                      jobAndRun[1],
                      probeSeq++,
                      System.currentTimeMillis(),
                      100,
                      EnergyMethod.TDP_ESTIMATE)));
          nextProbe += PROBE_EVERY_NANOS;
        }
        long due = Math.min(load.size(), from + (now - start) * rate / 1_000_000_000L);
        while (sent < due) {
          producer.send(load.get(sent++));
        }
        sleepMillis(1);
      }
      return probeSeq;
    }
  }

  /** The ids of {@code n} runs, spread over the jobs. */
  static List<String> runs(List<String> jobs, String suffix, int n) {
    List<String> runs = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      runs.add(jobs.get(r % jobs.size()) + suffix + r);
    }
    return runs;
  }

  /** Mostly power samples, one measured batch in ten, like a run sampling at 10 Hz. */
  static RunEvent event(List<String> jobs, List<String> runs, long[] seqs, int r, long atMs) {
    String job = jobs.get(r % jobs.size());
    long seq = seqs[r]++;
    return seq % 10 == 9
        ? new BatchMeasured(
            job, runs.get(r), seq, atMs, (int) (seq / 10), 1_000_000, 1.5, 0.01, 0.7, 0.6)
        : new PowerSample(job, runs.get(r), seq, atMs, 250.0, EnergyMethod.NVML_ENERGY_COUNTER);
  }

  static ProducerRecord<String, byte[]> record(RunEvent e) {
    return new ProducerRecord<>(Topics.EVENTS, e.jobId(), EventCodec.encode(e));
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, System.getProperty("bench.linger", "20"));
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "1048576");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props);
  }

  private static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
