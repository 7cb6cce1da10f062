package io.wattsweep.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks a workload's architecture summary against the parameters its info reports. */
final class Architectures {
  private static final Pattern LINE = Pattern.compile("([\\w-]+) \\(([\\d,]+) parameters\\): (.+)");

  private Architectures() {}

  /**
   * One line per network, in the info's order, each with the network's parameter count, and its
   * variables' shapes multiplying up to that count.
   */
  static void assertDescribes(String architecture, Map<String, Long> parametersByNetwork) {
    List<String> lines = architecture.lines().toList();
    assertEquals(
        List.copyOf(parametersByNetwork.keySet()),
        lines.stream().map(l -> l.substring(0, l.indexOf(' '))).toList(),
        architecture);
    for (String line : lines) {
      var m = LINE.matcher(line);
      assertTrue(m.matches(), line);
      long stated = Long.parseLong(m.group(2).replace(",", ""));
      assertEquals(parametersByNetwork.get(m.group(1)), stated, line);
      long fromShapes = 0;
      var names = new ArrayList<String>();
      for (String variable : m.group(3).split(", ")) {
        String[] nameAndShape = variable.split(" ");
        assertEquals(2, nameAndShape.length, variable);
        names.add(nameAndShape[0]);
        long size = 1;
        for (String d : nameAndShape[1].split("x")) {
          size *= Long.parseLong(d);
        }
        fromShapes += size;
      }
      assertEquals(stated, fromShapes, "the shapes of " + line);
      assertEquals(names.size(), names.stream().distinct().count(), "names are unique: " + line);
    }
  }
}
