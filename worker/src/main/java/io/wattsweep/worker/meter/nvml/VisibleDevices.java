package io.wattsweep.worker.meter.nvml;

import io.wattsweep.worker.meter.nvml.NvmlSession.Handle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPUs this process may use, read from {@code CUDA_VISIBLE_DEVICES} the way CUDA reads it: a
 * comma list of indexes or GPU UUIDs (a unique prefix such as {@code GPU-8932f937} will do); unset
 * means every GPU; the list ends at the first entry that names no GPU. Indexes are NVML's, which
 * CUDA's equal when {@code CUDA_DEVICE_ORDER=PCI_BUS_ID} or the GPUs are all alike.
 */
final class VisibleDevices {
  private static final Logger LOG = LoggerFactory.getLogger(VisibleDevices.class);

  static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";

  /** One entry of the list. */
  sealed interface Entry permits Index, Uuid {}

  record Index(int index) implements Entry {}

  /** A full UUID or a prefix of one, "GPU-" included. */
  record Uuid(String uuid) implements Entry {}

  private VisibleDevices() {}

  /**
   * Parses the variable; empty when it is unset (every GPU is visible). Entries after the first
   * that is neither an index nor a GPU UUID are dropped, as CUDA drops them, with a note why.
   *
   * @throws NvmlUnavailableException for a MIG instance, whose energy NVML cannot tell apart
   */
  static Optional<List<Entry>> parse(String value, List<String> notes) {
    if (value == null) {
      return Optional.empty();
    }
    List<Entry> entries = new ArrayList<>();
    if (value.isBlank()) {
      return Optional.of(entries);
    }
    for (String raw : value.split(",", -1)) {
      String token = raw.trim();
      if (token.matches("\\d{1,9}")) {
        entries.add(new Index(Integer.parseInt(token)));
      } else if (token.startsWith("GPU-") && token.length() > 4) {
        entries.add(new Uuid(token));
      } else if (token.startsWith("MIG-")) {
        // The counter and the power readings belong to the whole GPU, shared with other slices.
        throw new NvmlUnavailableException(
            CUDA_VISIBLE_DEVICES
                + " names a MIG instance ("
                + token
                + "): NVML measures energy"
                + " per physical GPU only, so a MIG slice's energy cannot be measured");
      } else {
        notes.add(
            CUDA_VISIBLE_DEVICES
                + " entry '"
                + token
                + "' names no GPU; CUDA ignores it and"
                + " every entry after it");
        break;
      }
    }
    return Optional.of(entries);
  }

  /**
   * The handles of the visible GPUs in CUDA's order, duplicates dropped.
   *
   * @param notes collects why entries were dropped, for the caller's error message
   */
  static List<Handle> resolve(NvmlSession nvml, Map<String, String> env, List<String> notes) {
    int count = nvml.deviceCount();
    Optional<List<Entry>> entries = parse(env.get(CUDA_VISIBLE_DEVICES), notes);
    List<Handle> handles = new ArrayList<>();
    if (entries.isEmpty()) {
      for (int i = 0; i < count; i++) {
        handles.add(nvml.handleByIndex(i));
      }
      return handles;
    }
    Set<Integer> seen = new HashSet<>();
    List<String> uuids = null;
    boolean byIndex = false;
    for (Entry entry : entries.get()) {
      Handle handle;
      if (entry instanceof Index i) {
        if (i.index() >= count) {
          notes.add(
              CUDA_VISIBLE_DEVICES
                  + " entry "
                  + i.index()
                  + " is past the "
                  + count
                  + " GPUs NVML sees; CUDA ignores it and every entry after it");
          break;
        }
        byIndex = true;
        handle = nvml.handleByIndex(i.index());
      } else {
        String uuid = ((Uuid) entry).uuid();
        Optional<Handle> exact = nvml.handleByUuid(uuid);
        if (exact.isPresent()) {
          handle = exact.get();
        } else {
          if (uuids == null) {
            uuids = allUuids(nvml, count);
          }
          Optional<Handle> byPrefix = byPrefix(nvml, uuids, uuid, notes);
          if (byPrefix.isEmpty()) {
            break;
          }
          handle = byPrefix.get();
        }
      }
      int index = nvml.index(handle);
      if (seen.add(index)) {
        handles.add(new Handle(handle.pointer(), "GPU " + index));
      } else {
        LOG.warn("{} names GPU {} twice; it is used once", CUDA_VISIBLE_DEVICES, index);
      }
    }
    if (byIndex && count > 1 && !"PCI_BUS_ID".equals(env.get("CUDA_DEVICE_ORDER"))) {
      warnIfOrdersMayDiffer(nvml, count);
    }
    return handles;
  }

  private static List<String> allUuids(NvmlSession nvml, int count) {
    List<String> uuids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      uuids.add(nvml.uuid(nvml.handleByIndex(i)));
    }
    return uuids;
  }

  private static Optional<Handle> byPrefix(
      NvmlSession nvml, List<String> uuids, String prefix, List<String> notes) {
    List<Integer> matches = new ArrayList<>();
    for (int i = 0; i < uuids.size(); i++) {
      if (uuids.get(i).startsWith(prefix)) {
        matches.add(i);
      }
    }
    if (matches.size() == 1) {
      return Optional.of(nvml.handleByIndex(matches.get(0)));
    }
    notes.add(
        CUDA_VISIBLE_DEVICES
            + " entry "
            + prefix
            + (matches.isEmpty() ? " matches no GPU" : " matches GPUs " + matches)
            + "; CUDA ignores it and every entry after it");
    return Optional.empty();
  }

  /** CUDA numbers the fastest GPU first by default; that differs from NVML on mixed nodes. */
  private static void warnIfOrdersMayDiffer(NvmlSession nvml, int count) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < count; i++) {
      names.add(nvml.name(nvml.handleByIndex(i)));
    }
    if (names.size() > 1) {
      LOG.warn(
          "{} names GPUs by index on a node with different GPUs {}, and CUDA_DEVICE_ORDER is not"
              + " PCI_BUS_ID: CUDA's indexes may not be NVML's, so the meter may read other GPUs",
          CUDA_VISIBLE_DEVICES,
          names);
    }
  }
}
