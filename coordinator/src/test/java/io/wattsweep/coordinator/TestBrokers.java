package io.wattsweep.coordinator;

import io.wattsweep.common.install.Installation;
import io.wattsweep.common.install.Installation.Program;
import io.wattsweep.kafka.LocalBroker;
import java.nio.file.Path;
import java.time.Duration;

/** A real local Kafka broker for a test, on free loopback ports. */
public final class TestBrokers {
  private TestBrokers() {}

  /** Starts one with its files in {@code dir}/kafka; a loaded machine gets 90 s to start it. */
  public static LocalBroker start(Path dir) {
    return LocalBroker.start(
        LocalBroker.Options.of(
                dir.resolve("kafka"), Installation.current().classpath(Program.KAFKA_BROKER))
            .withStartTimeout(Duration.ofSeconds(90)));
  }
}
