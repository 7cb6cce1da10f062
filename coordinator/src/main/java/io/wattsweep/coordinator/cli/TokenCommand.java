package io.wattsweep.coordinator.cli;

import io.wattsweep.coordinator.access.Role;
import io.wattsweep.coordinator.access.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code wattsweep token new ROLE IDENTITY}: a random token and its line for the coordinator's
 * tokens file; {@code wattsweep token hash}: the hash of a token read on standard input (so it
 * stays out of the shell's history and the process list), as {@code sha256sum} would give it
 * without the line break.
 */
final class TokenCommand {
  /** Shorter tokens could be guessed from their hash; {@link Tokens#newToken()} makes 64. */
  private static final int MIN_LENGTH = 32;

  private TokenCommand() {}

  static int run(List<String> args, InputStream in, PrintStream out, PrintStream err)
      throws IOException {
    if (args.size() == 3 && args.get(0).equals("new")) {
      Role role = Role.parse(args.get(1));
      String token = Tokens.newToken();
      String line = Tokens.line(token, role, args.get(2));
      out.println(
          "Token for "
              + args.get(2)
              + " (role "
              + role.label()
              + "), shown only here;"
              + " they set it as WATTSWEEP_TOKEN:");
      out.println("  " + token);
      out.println("Its line for the coordinator's tokens file (WATTSWEEP_TOKENS_FILE):");
      out.println("  " + line);
      return 0;
    }
    if (args.size() == 1 && args.get(0).equals("hash")) {
      String token = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!Tokens.wellFormed(token) || token.length() < MIN_LENGTH) {
        err.println(
            "wattsweep token hash: standard input must hold one token of at least "
                + MIN_LENGTH
                + " letters, digits or . _ ~ + / - (wattsweep token new makes one)");
        return 2;
      }
      out.println(Tokens.hash(token));
      return 0;
    }
    err.println("usage: wattsweep token new ROLE IDENTITY | wattsweep token hash < TOKEN_FILE");
    return 2;
  }
}
