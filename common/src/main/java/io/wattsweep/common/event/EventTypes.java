package io.wattsweep.common.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.util.HashMap;
import java.util.Map;

/** An event's type as it is named on the wire ("power-sample"), for labels and live feeds. */
public final class EventTypes {
  private static final Map<Class<?>, String> NAMES = names();

  private EventTypes() {}

  public static String of(Event e) {
    return NAMES.getOrDefault(e.getClass(), e.getClass().getSimpleName());
  }

  /** Read from the codec's own annotations, so a new event kind is named without a change here. */
  private static Map<Class<?>, String> names() {
    var out = new HashMap<Class<?>, String>();
    for (JsonSubTypes.Type t : Event.class.getAnnotation(JsonSubTypes.class).value()) {
      out.put(t.value(), t.name());
    }
    return Map.copyOf(out);
  }
}
