package io.wattsweep.coordinator.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.wattsweep.common.Topics;
import io.wattsweep.common.event.Event;
import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.event.WorkerHeartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each worker's last heartbeat, and the job it named, read from the heartbeats topic: a
 * worker that beat within {@code liveFor} is alive, and so is the run of the job it names, however
 * silent its events. It reads every partition itself, from the beats of the last {@link #LOOK_BACK}
 * (or {@code liveFor}, if longer) on, and commits nothing: a coordinator started again still learns
 * of a worker that died, holding a job, shortly before.
 */
public final class HeartbeatReader {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatReader.class);

  /** The group named in the reader's client settings; it commits nothing to it. */
  public static final String GROUP = "wattsweep-coordinator-heartbeats";

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /** How far back a reader starts: beats older than this name no claim still worth settling. */
  static final Duration LOOK_BACK = Duration.ofMinutes(10);

  /** A worker's last beat: when (the earlier of its clock and ours), and the jobs it named. */
  private record Beat(String gpuClass, long atMs, List<String> jobIds) {}

  private final Vertx vertx;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Clock clock;
  private final Duration liveFor;
  private final Consumer<String> classSeen;
  private final Map<String, Beat> beats = new ConcurrentHashMap<>();
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
  private final CatchUp catchUp = new CatchUp();
  private volatile boolean running;
  private long timer = -1;

  /**
   * @param liveFor how long after its last beat a worker counts as alive: a few of the workers'
   *     heartbeat intervals, so that one late beat does not count as death
   * @param classSeen told the GPU class of each beat read, on the reader's context
   */
  public HeartbeatReader(
      Vertx vertx,
      KafkaConsumer<String, byte[]> consumer,
      Clock clock,
      Duration liveFor,
      Consumer<String> classSeen) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.clock = clock;
    this.liveFor = liveFor;
    this.classSeen = classSeen;
  }

  /** Starts reading; where the broker cannot be reached yet, it keeps trying. */
  public Future<Void> start() {
    running = true;
    consumer.exceptionHandler(e -> LOG.warn("Reading heartbeats failed: {}", e.toString()));
    timer =
        vertx.setPeriodic(
            0,
            EventIngestor.PARTITIONS_CHECK.toMillis(),
            t ->
                assignAll()
                    .onFailure(
                        e ->
                            LOG.warn(
                                "Listing the partitions of {} failed: {}",
                                Topics.HEARTBEATS,
                                e.toString())));
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(timer);
    return consumer.close();
  }

  /**
   * The jobs named by workers alive at {@code nowMs}: their runs are not lost, whatever the catalog
   * last heard from them.
   */
  public Set<String> liveJobs(long nowMs) {
    return beats.values().stream()
        .filter(b -> alive(b, nowMs))
        .flatMap(b -> b.jobIds().stream())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** A job claimed by a worker that has stopped beating since: its last beat named the job. */
  public record Claim(String workerId, String jobId, long lastBeatMs) {}

  /**
   * The jobs named in the last beat of workers no longer alive at {@code nowMs}, unless a live
   * worker names them too: a worker killed or cut off while it ran (or had just taken) the job.
   */
  public List<Claim> deadClaims(long nowMs) {
    Set<String> live = liveJobs(nowMs);
    return beats.entrySet().stream()
        .filter(e -> !alive(e.getValue(), nowMs))
        .flatMap(
            e ->
                e.getValue().jobIds().stream()
                    .filter(job -> !live.contains(job))
                    .map(job -> new Claim(e.getKey(), job, e.getValue().atMs())))
        .toList();
  }

  /**
   * Forgets the claim once settled, unless the worker has beaten again since; the worker with it
   * once none of its jobs is left to settle.
   */
  public void settled(Claim claim) {
    beats.computeIfPresent(
        claim.workerId(),
        (id, b) -> {
          if (b.atMs() != claim.lastBeatMs()) {
            return b;
          }
          List<String> left = b.jobIds().stream().filter(j -> !j.equals(claim.jobId())).toList();
          return left.isEmpty() ? null : new Beat(b.gpuClass(), b.atMs(), left);
        });
  }

  /**
   * How many workers of each GPU class are alive at {@code nowMs}. Workers gone with no job named
   * are forgotten here, so that workers that come and go (a pod per job) do not pile up; those gone
   * with a job stay until their claim is settled ({@link #settled}).
   */
  public Map<String, Integer> liveWorkers(long nowMs) {
    beats.values().removeIf(b -> b.jobIds().isEmpty() && !alive(b, nowMs));
    var out = new TreeMap<String, Integer>();
    beats.values().stream()
        .filter(b -> alive(b, nowMs))
        .forEach(b -> out.merge(b.gpuClass() == null ? "" : b.gpuClass(), 1, Integer::sum));
    return out;
  }

  private boolean alive(Beat b, long nowMs) {
    return nowMs - b.atMs() <= liveFor.toMillis();
  }

  /**
   * Whether every beat the topic held at the previous call has been read, in every partition it has
   * now (see {@link CatchUp}). Never fails: a broker that cannot be reached makes it false.
   */
  public Future<Boolean> caughtUp() {
    if (assigned.isEmpty()) {
      catchUp.unknown();
      return Future.succeededFuture(false);
    }
    Set<TopicPartition> all = Set.copyOf(assigned);
    return consumer
        .endOffsets(all)
        .compose(
            ends -> {
              List<Future<Long>> positions = new ArrayList<>();
              List<TopicPartition> order = new ArrayList<>(all);
              order.forEach(tp -> positions.add(consumer.position(tp)));
              return Future.all(positions)
                  .map(
                      done -> {
                        Map<TopicPartition, Long> reached = new HashMap<>();
                        for (int i = 0; i < order.size(); i++) {
                          reached.put(order.get(i), positions.get(i).result());
                        }
                        return catchUp.check(ends, reached);
                      });
            })
        .otherwise(
            e -> {
              catchUp.unknown();
              LOG.warn("Cannot tell whether the heartbeats are read up to date: {}", e.toString());
              return false;
            });
  }

  private void beat(KafkaConsumerRecord<String, byte[]> r) {
    Event e;
    try {
      e = EventCodec.decodeEvent(r.value());
    } catch (EventCodec.DecodeException bad) {
      LOG.warn(
          "Heartbeat at {}-{}@{} cannot be decoded; skipped: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          bad.getMessage());
      return;
    }
    if (e instanceof WorkerHeartbeat hb) {
      // A worker's clock ahead of ours must not keep it alive longer than it beat.
      long atMs = Math.min(hb.atMs(), clock.millis());
      beats.merge(
          hb.workerId(),
          new Beat(hb.gpuClass(), atMs, hb.jobIds()),
          (old, now) -> now.atMs() >= old.atMs() ? now : old);
      if (hb.gpuClass() != null) {
        classSeen.accept(hb.gpuClass());
      }
    }
  }

  /** Assigns partitions new to it, each from the first beat of the look-back window. */
  private Future<Void> assignAll() {
    if (!running) {
      return Future.succeededFuture();
    }
    return EventIngestor.partitionsOf(consumer, Topics.HEARTBEATS)
        .compose(
            all -> {
              Set<TopicPartition> added =
                  all.stream().filter(tp -> !assigned.contains(tp)).collect(Collectors.toSet());
              if (added.isEmpty()) {
                return Future.succeededFuture();
              }
              return consumer
                  .assign(all)
                  .compose(v -> seekToWindow(added))
                  .onSuccess(
                      v -> {
                        boolean first = assigned.isEmpty();
                        assigned.addAll(added);
                        if (first) {
                          consumer.handler(
                              this::beat); // reading starts here: never with nothing assigned
                        }
                      })
                  .recover(
                      e -> {
                        LOG.warn(
                            "Seeking heartbeats of {} failed; trying again in {}: {}",
                            added,
                            RETRY_AFTER,
                            e.toString());
                        return Future.failedFuture(e);
                      });
            });
  }

  private Future<Void> seekToWindow(Set<TopicPartition> partitions) {
    long from = clock.millis() - Math.max(liveFor.toMillis(), LOOK_BACK.toMillis());
    List<Future<Void>> seeks = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      seeks.add(
          consumer
              .offsetsForTimes(tp, from)
              .compose(
                  at -> at == null ? consumer.seekToEnd(tp) : consumer.seek(tp, at.getOffset())));
    }
    return Future.all(seeks).mapEmpty();
  }
}
