package io.wattsweep.worker.command;

import java.util.Optional;

/**
 * A step marker: a line that the metered command prints on its standard output.
 *
 * <ul>
 *   <li>{@code WATTSWEEP_STEP <name>}: a step named {@code <name>} (the rest of the line, trimmed)
 *       begins, and the step in progress, if any, ends. Without a name the step is called {@code
 *       step-<n>}, n counting from 1.
 *   <li>{@code WATTSWEEP_STEP_END}: the step in progress ends; what follows is in no step until the
 *       next {@code WATTSWEEP_STEP}.
 * </ul>
 *
 * The marker starts the line; trailing white space and a carriage return are ignored. The same name
 * may recur (one step per batch, say): each occurrence is its own step. Command workloads ({@code
 * io.wattsweep.worker.command}) print the same lines, one step per batch.
 *
 * @param name the step's name, or empty for {@code WATTSWEEP_STEP_END}
 */
public record StepMarker(Optional<String> name) {
  /** A line that starts a step: this word, then optionally a space and the step's name. */
  public static final String BEGIN = "WATTSWEEP_STEP";

  /** A line that ends the step in progress. */
  public static final String END = "WATTSWEEP_STEP_END";

  /** A marker's line is no longer than this; a longer line is output, not a marker. */
  public static final int MAX_LINE_CHARS = 1024;

  /** Whether this marker ends a step without beginning another. */
  public boolean isEnd() {
    return name.isEmpty();
  }

  /** The marker on this line, without its line break; empty for any other line. */
  public static Optional<StepMarker> parse(String line) {
    String text = line.stripTrailing();
    if (!text.startsWith(BEGIN)) {
      return Optional.empty();
    }
    if (text.equals(END)) {
      return Optional.of(new StepMarker(Optional.empty()));
    }
    String rest = text.substring(BEGIN.length());
    if (!rest.isEmpty() && rest.charAt(0) != ' ' && rest.charAt(0) != '\t') {
      return Optional.empty(); // WATTSWEEP_STEPS..., another word
    }
    return Optional.of(new StepMarker(Optional.of(rest.strip())));
  }
}
