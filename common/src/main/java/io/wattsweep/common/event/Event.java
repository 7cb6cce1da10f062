package io.wattsweep.common.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Every payload a worker sends: the events of a run and the worker's heartbeats. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RunStarted.class, name = "run-started"),
  @JsonSubTypes.Type(value = PowerSample.class, name = "power-sample"),
  @JsonSubTypes.Type(value = BatchMeasured.class, name = "batch-measured"),
  @JsonSubTypes.Type(value = RunCompleted.class, name = "run-completed"),
  @JsonSubTypes.Type(value = RunFailed.class, name = "run-failed"),
  @JsonSubTypes.Type(value = WorkerHeartbeat.class, name = "worker-heartbeat")
})
public sealed interface Event permits RunEvent, WorkerHeartbeat {
  /** Milliseconds since the epoch, on the sender's clock. */
  long atMs();
}
