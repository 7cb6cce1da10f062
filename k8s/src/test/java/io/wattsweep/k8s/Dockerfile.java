package io.wattsweep.k8s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile's instructions as the checks need them, continuation lines joined and ARG defaults
 * substituted: its copies from the build context, its symlinks, entrypoint and command.
 */
record Dockerfile(String name, List<String[]> instructions) {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");
  private static final Pattern LINK = Pattern.compile("ln -s (\\S+) (\\S+)");

  static Dockerfile parse(String name, String text) {
    var instructions = new ArrayList<String[]>();
    Map<String, String> args = new HashMap<>();
    var line = new StringBuilder();
    for (String raw : text.split("\n")) {
      if (raw.strip().startsWith("#") || raw.isBlank()) {
        continue;
      }
      line.append(raw.stripTrailing());
      if (line.toString().endsWith("\\")) {
        line.setLength(line.length() - 1);
        continue;
      }
      String[] parts = line.toString().strip().split("\\s+", 2);
      line.setLength(0);
      if (parts[0].equals("ARG") && parts[1].contains("=")) {
        args.put(
            parts[1].substring(0, parts[1].indexOf('=')),
            parts[1].substring(parts[1].indexOf('=') + 1));
      }
      instructions.add(new String[] {parts[0], substitute(parts[1], args)});
    }
    return new Dockerfile(name, instructions);
  }

  /** (source, destination) of each ADD or COPY from the build context (not --from a stage). */
  List<String[]> contextCopies() {
    var out = new ArrayList<String[]>();
    for (String[] i : instructions) {
      if ((i[0].equals("ADD") || i[0].equals("COPY")) && !i[1].startsWith("--from")) {
        String[] words = i[1].split("\\s+");
        for (int w = 0; w < words.length - 1; w++) {
          if (!words[w].startsWith("--")) {
            out.add(new String[] {words[w], words[words.length - 1]});
          }
        }
      }
    }
    return out;
  }

  /** Symlinks made by RUN: link to target. */
  Map<String, String> links() {
    var out = new HashMap<String, String>();
    for (String[] i : instructions) {
      if (i[0].equals("RUN")) {
        Matcher m = LINK.matcher(i[1]);
        while (m.find()) {
          out.put(m.group(2), m.group(1));
        }
      }
    }
    return out;
  }

  /** The exec-form words of the last such instruction (ENTRYPOINT, CMD). */
  List<String> exec(String instruction) {
    List<String> out = List.of();
    for (String[] i : instructions) {
      if (i[0].equals(instruction)) {
        out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(i[1]);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  String user() {
    String last = "root";
    for (String[] i : instructions) {
      if (i[0].equals("USER")) {
        last = i[1];
      }
    }
    return last;
  }

  String from() {
    String last = "";
    for (String[] i : instructions) {
      if (i[0].equals("FROM")) {
        last = i[1];
      }
    }
    return last;
  }

  private static String substitute(String s, Map<String, String> args) {
    Matcher m = VARIABLE.matcher(s);
    var out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(m.group(1), m.group())));
    }
    return m.appendTail(out).toString();
  }
}
