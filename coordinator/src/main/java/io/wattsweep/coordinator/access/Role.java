package io.wattsweep.coordinator.access;

import java.util.Locale;

/** What a token may do; each role includes the ones before it. */
public enum Role {
  /** Every GET: sweeps, runs, models, the dashboard. */
  READ,
  /** Also submits sweeps ({@code POST /api/v1/sweeps}). */
  SUBMIT,
  /** Also changes models' versions and aliases, and any other write. */
  ADMIN;

  /** Whether a token with this role may do what {@code needed} allows. */
  public boolean includes(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The name in token files and messages: read, submit, admin. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code read}, {@code submit} or {@code admin}, in any case. */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.label().equalsIgnoreCase(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role must be read, submit or admin: '" + text + "'");
  }
}
