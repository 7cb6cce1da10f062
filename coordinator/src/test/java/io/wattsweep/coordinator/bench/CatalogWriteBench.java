package io.wattsweep.coordinator.bench;

import io.wattsweep.common.event.RunEvent;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.coordinator.catalog.Catalog;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The catalog's side of ingestion alone: {@link Catalog#ingest} on decoded events, in the
 * ingestor's batches of 5,000, without Kafka or decoding. Prints the write's wall and CPU time per
 * event (the calling thread's, and the whole JVM's, which includes H2's background writer) over the
 * measured batches, after a warm-up; asserts nothing about speed.
 *
 * <p>Run: {@code ./mvnw -pl coordinator -am test -Dtest=CatalogWriteBench -Dgroups=bench
 * -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false} (sizes: {@code -Dbench.warmup=N
 * -Dbench.events=N -Dbench.runs=N}; {@code -Dbench.dbs=h2} for one database).
 */
@Tag("bench")
class CatalogWriteBench {
  private static final int BATCH = 5000;
  private static final int RUNS = Integer.getInteger("bench.runs", 50);

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void write(String db) throws Exception {
    IngestBench.assumeAsked(db);
    int warmup = Integer.getInteger("bench.warmup", 200_000);
    int measured = Integer.getInteger("bench.events", 300_000);
    String url = IngestBench.jdbcUrl(db, Files.createTempDirectory("write-bench"));
    try (Catalog catalog = Catalog.open(url, IngestBench.user(db), "")) {
      List<String> jobIds = IngestBench.sweep(catalog).stream().map(JobSpec::jobId).toList();
      write(catalog, events(jobIds, "-warm", warmup));
      List<List<RunEvent>> batches = events(jobIds, "-bench", measured);
      var threads = ManagementFactory.getThreadMXBean();
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long jvm0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      double[] perBatch = write(catalog, batches);
      double wall = (System.nanoTime() - t0) / 1e3 / measured;
      double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / measured;
      double jvm = (os.getProcessCpuTime() - jvm0) / 1e3 / measured;
      Arrays.sort(perBatch);
      System.out.printf(
          "BENCH %s catalog write: %d events in batches of %d: %.1f us/event wall"
              + " (%.0f events/s; batch median %.1f, p90 %.1f us/event), CPU %.1f us/event in"
              + " the writing thread, %.1f in the JVM%n",
          db,
          measured,
          BATCH,
          wall,
          1e6 / wall,
          perBatch[perBatch.length / 2],
          perBatch[perBatch.length * 9 / 10],
          cpu,
          jvm);
    } finally {
      IngestBench.dropSchema(db, url);
    }
  }

  /** Writes each batch in its own transaction; returns each batch's wall time per event (us). */
  private static double[] write(Catalog catalog, List<List<RunEvent>> batches) {
    double[] perBatch = new double[batches.size()];
    for (int i = 0; i < perBatch.length; i++) {
      long t = System.nanoTime();
      catalog.ingest(batches.get(i), System.currentTimeMillis());
      perBatch[i] = (System.nanoTime() - t) / 1e3 / batches.get(i).size();
    }
    return perBatch;
  }

  /** The events of {@link #RUNS} runs, interleaved as a topic delivers them. */
  private static List<List<RunEvent>> events(List<String> jobIds, String suffix, int n) {
    List<String> runs = LoadProducer.runs(jobIds, suffix, RUNS);
    long[] seqs = new long[RUNS];
    List<List<RunEvent>> batches = new ArrayList<>();
    for (int i = 0; i < n; i += BATCH) {
      List<RunEvent> batch = new ArrayList<>(BATCH);
      for (int j = i; j < Math.min(n, i + BATCH); j++) {
        batch.add(LoadProducer.event(jobIds, runs, seqs, j % RUNS, System.currentTimeMillis()));
      }
      batches.add(batch);
    }
    return batches;
  }
}
