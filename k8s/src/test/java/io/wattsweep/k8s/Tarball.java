package io.wattsweep.k8s;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** The entries of a .tar.gz, as a name-to-mode map plus the text of the files asked for. */
final class Tarball {
  final Map<String, Integer> modes = new HashMap<>();
  final Map<String, String> texts = new HashMap<>();

  static Tarball read(Path file, String... textsWanted) throws IOException {
    var out = new Tarball();
    try (var in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
      byte[] header = new byte[512];
      String longName = null;
      while (true) {
        try {
          in.readFully(header);
        } catch (EOFException e) {
          break;
        }
        if (header[0] == 0) {
          break;
        }
        String name = string(header, 0, 100);
        if (header[257] == 'u' && header[345] != 0) {
          name = string(header, 345, 155) + "/" + name; // ustar: prefix / name
        }
        int mode = (int) octal(header, 100, 8);
        long size = octal(header, 124, 12);
        byte type = header[156];
        byte[] data =
            type == 'L' || type == 'x' || wanted(name, longName, textsWanted)
                ? in.readNBytes((int) size)
                : null;
        if (data == null) {
          skip(in, size);
        }
        skip(in, (512 - size % 512) % 512);
        if (type == 'L') {
          longName = new String(data, StandardCharsets.UTF_8).trim().replace("\0", "");
          continue;
        }
        if (type == 'x') {
          for (String record : new String(data, StandardCharsets.UTF_8).split("\n")) {
            if (record.contains(" path=")) {
              longName = record.substring(record.indexOf(" path=") + 6);
            }
          }
          continue;
        }
        if (longName != null) {
          name = longName;
          longName = null;
        }
        out.modes.put(name, mode);
        if (data != null) {
          out.texts.put(name, new String(data, StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private static boolean wanted(String name, String longName, String[] wanted) {
    String n = longName != null ? longName : name;
    for (String w : wanted) {
      if (n.equals(w)) {
        return true;
      }
    }
    return false;
  }

  private static void skip(InputStream in, long n) throws IOException {
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the tarball ends inside an entry");
        }
        skipped = 1;
      }
      n -= skipped;
    }
  }

  private static String string(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] b, int off, int len) {
    String s = string(b, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }
}
