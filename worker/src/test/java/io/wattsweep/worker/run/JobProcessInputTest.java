package io.wattsweep.worker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.common.event.EventCodec;
import io.wattsweep.common.spec.FullTraining;
import io.wattsweep.common.spec.JobSpec;
import io.wattsweep.common.spec.Precision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobProcessInputTest {
  private static final JobSpec JOB =
      new JobSpec(
          "sw-1-job",
          "sw-1",
          "command:sleep",
          1.0,
          "a100",
          Precision.BF16,
          4,
          1,
          2,
          10,
          new FullTraining(360000, 30),
          null,
          null,
          null);

  private static JobProcess.Input read(byte[] bytes) throws IOException {
    return JobProcess.Input.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void theRunIdComesFirstThenTheJob() throws IOException {
    var bytes = new ByteArrayOutputStream();
    bytes.writeBytes("sw-1-job-0a1b2c3d\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(EventCodec.encodeJob(JOB));

    var input = read(bytes.toByteArray());

    assertEquals("sw-1-job-0a1b2c3d", input.runId());
    assertEquals(JOB, input.job());
  }

  @Test
  void nothingAtAllIsASpareNoLongerNeeded() throws IOException {
    assertNull(read(new byte[0]));
  }

  @Test
  void aRunIdWithoutAJobIsRefused() {
    var e =
        assertThrows(
            IOException.class, () -> read("sw-1-job-0a1b".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("no newline after the run id"), e.getMessage());
  }

  @Test
  void aJobThatCannotBeDecodedIsRefused() {
    assertThrows(
        EventCodec.DecodeException.class,
        () -> read("run-1\n{\"v\":1}".getBytes(StandardCharsets.UTF_8)));
  }
}
