package io.wattsweep.coordinator.report;

import java.util.List;

/**
 * The study's figure as data: panels of energy per batch against one setting each, one series per
 * GPU class. Built by {@link FigureBuilder}, drawn by {@link Chart}.
 *
 * @param sweepName what the heading names
 * @param caption one line under the heading (sweep id, model, progress)
 * @param series every GPU class of the sweep, in its order, so colours stay put across panels
 * @param footnotes what a reader needs to read the panels right, one sentence each
 */
record Figure(
    String sweepName,
    String caption,
    List<Series> series,
    List<Panel> panels,
    List<String> footnotes) {

  /** A GPU class: its colour and marker. */
  record Series(String gpuClass, String color, Marker marker) {}

  /**
   * One run on a panel.
   *
   * @param category index into the panel's categories
   * @param ci95Joules half-width of the 95% interval; 0 when the run has none
   * @param estimate true when the energy is modelled, not measured (drawn hollow)
   */
  record Point(
      int series,
      int category,
      double joules,
      double ci95Joules,
      boolean estimate,
      String method) {}

  /**
   * A panel: the x axis is categorical (precisions, or the sweep's values of a numeric setting in
   * ascending order).
   *
   * @param subtitle the settings held fixed, so the reader knows which runs are shown
   * @param connect true to join a series' points (numeric settings)
   */
  record Panel(
      String title,
      String subtitle,
      String xLabel,
      List<String> categories,
      List<Point> points,
      boolean connect) {}

  /** The same figure with one panel only (for the per-panel files). */
  Figure only(int panel) {
    return new Figure(sweepName, caption, series, List.of(panels.get(panel)), footnotes);
  }

  /** Marker shapes, so series stay apart in grey print and for colour-blind readers. */
  enum Marker {
    CIRCLE,
    SQUARE,
    TRIANGLE,
    DIAMOND,
    TRIANGLE_DOWN
  }
}
