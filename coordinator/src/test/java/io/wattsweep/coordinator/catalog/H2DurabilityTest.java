package io.wattsweep.coordinator.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The H2 release the catalog runs on keeps, after its JVM is killed (SIGKILL), every row that a
 * {@code CHECKPOINT SYNC} put on disk, also once it reuses freed file space. H2 2.5.250 and 2.5.252
 * did not: a chunk written into reused space got a file header naming the chunk before it, so a
 * killed coordinator's catalog came back without its latest writes.
 */
class H2DurabilityTest {
  /** Commits rows one at a time, each followed by a CHECKPOINT SYNC, then waits to be killed. */
  public static final class Writer {
    public static void main(String[] args) throws Exception {
      Connection c = DriverManager.getConnection(args[0], "sa", "");
      c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY)");
      c.setAutoCommit(false);
      for (int i = 1; i <= Integer.parseInt(args[1]); i++) {
        c.createStatement().execute("INSERT INTO t VALUES (" + i + ")");
        c.commit();
        c.createStatement().execute("CHECKPOINT SYNC");
      }
      System.out.println("checkpointed");
      Thread.currentThread().join();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 7, 8, 9, 10})
  void rowsACheckpointPutOnDiskSurviveTheJvmBeingKilled(int rows) throws Exception {
    Path dir = Files.createTempDirectory("h2-durability");
    // Reuse freed space from the start, as H2 does after its retention time (45 s).
    String url = "jdbc:h2:file:" + dir.resolve("catalog") + ";RETENTION_TIME=0";
    Process writer =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Writer.class.getName(),
                url,
                String.valueOf(rows))
            .redirectErrorStream(true)
            .start();
    try (var out = new BufferedReader(new InputStreamReader(writer.getInputStream()))) {
      String line = out.readLine();
      assertEquals("checkpointed", line, "the writer's first line");
    } finally {
      writer.destroyForcibly().waitFor();
    }
    assertEquals(rows, count(url), "rows in the file after the kill");
  }

  private static long count(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
