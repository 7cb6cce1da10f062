package io.wattsweep.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.coordinator.access.Caller;
import io.wattsweep.coordinator.access.Role;
import io.wattsweep.coordinator.access.Tokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {
  @TempDir Path dir;

  @Test
  void aNewTokensLineLetsTheCoordinatorKnowItsHolder() throws Exception {
    var out = new ByteArrayOutputStream();
    assertEquals(
        0,
        TokenCommand.run(
            List.of("new", "submit", "alice"),
            stdin(""),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err));

    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    String token = lines[1].strip();
    Path file = Files.writeString(dir.resolve("tokens"), lines[3].strip() + "\n");
    assertEquals(Optional.of(new Caller("alice", Role.SUBMIT)), Tokens.load(file).find(token));
  }

  @Test
  void hashReadsTheTokenOnStandardInput() throws Exception {
    String token = Tokens.newToken();
    var out = new ByteArrayOutputStream();
    assertEquals(
        0,
        TokenCommand.run(
            List.of("hash"),
            stdin(token + "\n"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err));
    assertEquals(Tokens.hash(token) + "\n", out.toString(StandardCharsets.UTF_8));

    var err = new ByteArrayOutputStream();
    assertEquals(
        2,
        TokenCommand.run(
            List.of("hash"),
            stdin("short"),
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("at least 32"), err.toString());
  }

  private static ByteArrayInputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
