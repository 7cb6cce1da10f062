package io.wattsweep.coordinator.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's tokens, kept as SHA-256 hashes: a tokens file (or a Kubernetes secret mounted as one)
 * holds one line per token, {@code sha256:HEX ROLE IDENTITY}, where HEX is the SHA-256 of the
 * token's UTF-8 bytes in hex, ROLE is read, submit or admin, and IDENTITY names the token's holder;
 * blank lines and lines starting with {@code #} are skipped. A plain hash suffices because tokens
 * are long random strings ({@link #newToken()}), not passwords a person chose.
 */
public final class Tokens {
  /** RFC 6750's b64token: what may follow "Bearer " (and sits safely in a cookie). */
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._~+/-]{1,512}=*");

  private static final Pattern HASH = Pattern.compile("sha256:[0-9a-fA-F]{64}");
  private static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._@+:-]{1,200}");
  private static final String PREFIX = "sha256:";

  private record Entry(byte[] hash, Caller caller) {}

  private final Path source;
  private final List<Entry> entries;

  private Tokens(Path source, List<Entry> entries) {
    this.source = source;
    this.entries = entries;
  }

  /**
   * Reads a tokens file.
   *
   * @throws IllegalArgumentException naming the file and the line that is wrong (never echoing a
   *     hash field, which may hold a token pasted by mistake), or saying the file holds none
   */
  public static Tokens load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot be read: '" + file + "' (" + e.getClass().getSimpleName() + ")");
    }
    List<Entry> entries = new ArrayList<>();
    List<Integer> lineOf = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "'" + file + "' line " + (i + 1) + ": ";
      String[] fields = line.split("\\s+");
      if (fields.length != 3) {
        throw new IllegalArgumentException(
            where + "must be 'sha256:HEX ROLE IDENTITY'," + " 3 fields: " + fields.length);
      }
      if (!HASH.matcher(fields[0]).matches()) {
        throw new IllegalArgumentException(
            where
                + "the first field must be sha256: and 64 hex"
                + " digits, the SHA-256 of the token (never the token itself; not shown)");
      }
      Role role;
      try {
        role = Role.parse(fields[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + e.getMessage());
      }
      if (!IDENTITY.matcher(fields[2]).matches()) {
        throw new IllegalArgumentException(
            where
                + "identity must be 1 to 200 letters, digits or"
                + " . _ @ + : -: '"
                + fields[2]
                + "'");
      }
      byte[] hash = HexFormat.of().parseHex(fields[0].substring(PREFIX.length()));
      for (int j = 0; j < entries.size(); j++) {
        if (MessageDigest.isEqual(entries.get(j).hash, hash)) {
          throw new IllegalArgumentException(where + "the same token as line " + lineOf.get(j));
        }
      }
      entries.add(new Entry(hash, new Caller(fields[2], role)));
      lineOf.add(i + 1);
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("holds no tokens: '" + file + "'");
    }
    return new Tokens(file, List.copyOf(entries));
  }

  /** The holder of {@code token}, if it is one; every hash is compared, each in constant time. */
  public Optional<Caller> find(String token) {
    if (!wellFormed(token)) {
      return Optional.empty();
    }
    byte[] hash = sha256(token);
    Caller found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash, hash)) {
        found = e.caller;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Whether {@code token} can be a token at all: fit for an Authorization header and a cookie. */
  public static boolean wellFormed(String token) {
    return token != null && WELL_FORMED.matcher(token).matches();
  }

  /** The tokens file's line for {@code token}; refuses a role or an identity the file would. */
  public static String line(String token, Role role, String identity) {
    if (!IDENTITY.matcher(identity).matches()) {
      throw new IllegalArgumentException(
          "identity must be 1 to 200 letters, digits or" + " . _ @ + : -: '" + identity + "'");
    }
    return hash(token) + "  " + role.label() + "  " + identity;
  }

  /** The tokens file's first field for {@code token}: {@code sha256:} and its hex SHA-256. */
  public static String hash(String token) {
    return PREFIX + HexFormat.of().formatHex(sha256(token));
  }

  /** A new random token: 32 bytes from a SecureRandom, in hex. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** For the start-up log: the file and how many tokens of each role, no hashes. */
  @Override
  public String toString() {
    long[] perRole = new long[Role.values().length];
    entries.forEach(e -> perRole[e.caller.role().ordinal()]++);
    StringBuilder s = new StringBuilder("Tokens[").append(source);
    for (Role r : Role.values()) {
      s.append(", ").append(r.label()).append('=').append(perRole[r.ordinal()]);
    }
    return s.append(']').toString();
  }
}
