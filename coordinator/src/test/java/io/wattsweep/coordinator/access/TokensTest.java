package io.wattsweep.coordinator.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattsweep.coordinator.CoordinatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {
  private static final String ALICE = Tokens.newToken();
  private static final String BOB = Tokens.newToken();

  @TempDir Path dir;

  @Test
  void aTokensFileGivesEachTokenItsRoleAndIdentity() throws IOException {
    Tokens tokens =
        Tokens.load(
            file(
                """
        # who may use the API
        %s  submit  alice

          %s\tREAD\tbob@example.org
        """
                    .formatted(Tokens.hash(ALICE), upperHex(Tokens.hash(BOB)))));

    assertEquals(Optional.of(new Caller("alice", Role.SUBMIT)), tokens.find(ALICE));
    assertEquals(Optional.of(new Caller("bob@example.org", Role.READ)), tokens.find(BOB));
    assertEquals(Optional.empty(), tokens.find(Tokens.newToken()));
    assertEquals(Optional.empty(), tokens.find(ALICE + " "));
    assertEquals(Optional.empty(), tokens.find(null));
    assertFalse(tokens.toString().contains(Tokens.hash(ALICE).substring(7)), tokens.toString());
    assertTrue(tokens.toString().endsWith("read=1, submit=1, admin=0]"), tokens.toString());
  }

  @Test
  void theHashIsSha256OfTheTokenAsSha256sumGivesIt() {
    // printf %s abc | sha256sum
    assertEquals(
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Tokens.hash("abc"));
  }

  @Test
  void aBadLineIsRefusedAtStartUpNamingTheVariableAndTheLine() throws IOException {
    Path file =
        file(
            """
        # tokens
        %s  submit  alice
        %s  admin  bob
        """
                .formatted(Tokens.hash(ALICE), BOB));

    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CoordinatorConfig.fromEnv(
                    Map.of("WATTSWEEP_TOKENS_FILE", file.toString()), List.of()));

    assertTrue(
        e.getMessage()
            .startsWith(
                "WATTSWEEP_TOKENS_FILE '"
                    + file
                    + "' line 3: the first"
                    + " field must be sha256: and 64 hex digits"),
        e.getMessage());
    assertFalse(e.getMessage().contains(BOB), "a token pasted by mistake is not echoed");
  }

  @Test
  void otherMistakesNameTheirLineToo() throws IOException {
    String hash = Tokens.hash(ALICE);
    assertRefused("line 1: role must be read, submit or admin: 'root'", hash + " root alice");
    assertRefused("line 1: must be 'sha256:HEX ROLE IDENTITY', 3 fields: 2", hash + " read");
    assertRefused("line 2: the same token as line 1", hash + " read a\n" + hash + " admin b");
    assertRefused(
        "line 1: identity must be 1 to 200 letters, digits or . _ @ + : -: 'a/b'",
        hash + " read a/b");
    assertRefused("holds no tokens", "# nobody yet\n");
  }

  private void assertRefused(String message, String text) throws IOException {
    Path file = file(text);
    var e = assertThrows(IllegalArgumentException.class, () -> Tokens.load(file));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  /** Hex digits in either case are the same hash. */
  private static String upperHex(String hash) {
    return "sha256:" + hash.substring("sha256:".length()).toUpperCase();
  }

  private Path file(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "tokens", ".txt"), text);
  }
}
