package io.wattsweep.worker.job;

import java.util.ArrayList;
import java.util.List;

/**
 * The GPUs of a worker, and which of them are free. A job takes as many as it asks for, the first
 * free ones in the worker's order, and gives them back when it ends; its process sees only those
 * ({@code CUDA_VISIBLE_DEVICES}). A worker whose devices are not listed (a CPU worker, or a GPU
 * worker that names none) has one slot, which any job takes whole, its process seeing what the
 * worker sees: one job at a time. Not thread-safe: the worker's event loop owns it.
 */
final class Devices {
  private final List<String> ids;
  private final boolean[] taken;
  private boolean slotTaken;

  /**
   * @param ids the devices as CUDA names them; none for a worker of one job at a time
   */
  Devices(List<String> ids) {
    this.ids = List.copyOf(ids);
    this.taken = new boolean[ids.size()];
  }

  /** Whether a job of this many GPUs could ever be placed here. */
  boolean fits(int gpus) {
    return ids.isEmpty() || gpus <= ids.size();
  }

  /** Whether a job of this many GPUs can be placed now. */
  boolean fitsNow(int gpus) {
    return ids.isEmpty() ? !slotTaken : gpus <= free();
  }

  /** Whether no job could start now, whatever its size. */
  boolean full() {
    return ids.isEmpty() ? slotTaken : free() == 0;
  }

  /**
   * Takes the devices of a job of this many GPUs, which must fit now: their ids, or none for the
   * one slot of a worker whose devices are not listed.
   */
  List<String> take(int gpus) {
    if (!fitsNow(gpus)) {
      throw new IllegalStateException(gpus + " GPUs do not fit now; " + free() + " free");
    }
    if (ids.isEmpty()) {
      slotTaken = true;
      return List.of();
    }
    var out = new ArrayList<String>();
    for (int i = 0; i < ids.size() && out.size() < gpus; i++) {
      if (!taken[i]) {
        taken[i] = true;
        out.add(ids.get(i));
      }
    }
    return List.copyOf(out);
  }

  /** Gives back what {@link #take} returned. */
  void give(List<String> devices) {
    if (ids.isEmpty()) {
      slotTaken = false;
      return;
    }
    for (String id : devices) {
      taken[ids.indexOf(id)] = false;
    }
  }

  int total() {
    return ids.size();
  }

  private int free() {
    int n = 0;
    for (boolean t : taken) {
      n += t ? 0 : 1;
    }
    return n;
  }
}
