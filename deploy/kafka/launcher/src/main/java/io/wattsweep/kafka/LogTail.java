package io.wattsweep.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The lines of a broker log that explain a failed start, for error messages. */
final class LogTail {
  /** Begins the line LocalBroker appends before each start, so a tail shows one start only. */
  static final String START_MARKER = "=== wattsweep LocalBroker starting at ";

  // One start logs about 500 KB, most of it config dumps.
  private static final int MAX_BYTES = 4 * 1024 * 1024;
  // Kafka dumps every config as "\tname = value" lines; they bury the error that follows them.
  private static final Pattern CONFIG_LINE = Pattern.compile("^\t[a-z0-9._-]+ = .*");
  private static final Pattern ERROR_LINE =
      Pattern.compile("( ERROR | FATAL |^Exception in thread |^Error: ).*");

  private LogTail() {}

  /**
   * About {@code maxLines} lines of {@code file} since the last start, config dumps left out: from
   * the first error on, if there is one (Kafka logs a long shutdown after a fatal error), and the
   * last lines.
   */
  static String of(Path file, int maxLines) {
    List<String> lines;
    try {
      lines = sinceLastStart(file);
    } catch (IOException e) {
      return "  (cannot read " + file + ": " + e.getMessage() + ")";
    }
    int firstError = -1;
    for (int i = 0; i < lines.size() && firstError < 0; i++) {
      if (ERROR_LINE.matcher(lines.get(i)).find()) {
        firstError = i;
      }
    }
    List<String> shown = new ArrayList<>();
    int tailFrom = Math.max(0, lines.size() - maxLines);
    if (firstError >= 0 && firstError < tailFrom) {
      int half = maxLines / 2;
      shown.addAll(lines.subList(firstError, Math.min(firstError + half, lines.size())));
      tailFrom = Math.max(firstError + half, lines.size() - half);
      if (tailFrom > firstError + half) {
        shown.add("...");
      }
    }
    shown.addAll(lines.subList(tailFrom, lines.size()));
    return shown.stream().map(line -> "  | " + line).collect(Collectors.joining("\n"));
  }

  private static List<String> sinceLastStart(Path file) throws IOException {
    String text;
    long size;
    int length;
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      size = channel.size();
      length = (int) Math.min(size, MAX_BYTES);
      ByteBuffer buffer = ByteBuffer.allocate(length);
      channel.position(size - length);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // read the whole tail
      }
      text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
    List<String> lines =
        Arrays.stream(text.split("\r?\n"))
            .skip(length < size ? 1 : 0) // the first line may be cut
            .filter(line -> !CONFIG_LINE.matcher(line).matches())
            .collect(Collectors.toList());
    for (int i = lines.size() - 1; i > 0; i--) {
      if (lines.get(i).startsWith(START_MARKER)) {
        return lines.subList(i, lines.size());
      }
    }
    return lines;
  }
}
