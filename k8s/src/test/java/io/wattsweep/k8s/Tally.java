package io.wattsweep.k8s;

import java.util.Map;
import java.util.TreeMap;

/** How many things each check looked at, so that a pass says what it covered. */
final class Tally {
  private final Map<String, Integer> counts = new TreeMap<>();

  void add(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  @Override
  public String toString() {
    return counts.toString();
  }
}
