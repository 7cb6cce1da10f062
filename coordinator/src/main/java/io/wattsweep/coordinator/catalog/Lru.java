package io.wattsweep.coordinator.catalog;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that forgets its least recently used entry past {@code capacity}: the parts' caches. */
final class Lru<K, V> extends LinkedHashMap<K, V> {
  private final int capacity;

  Lru(int capacity) {
    super(256, 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
