package io.wattsweep.coordinator.report;

/**
 * What a chart draws with, in figure units (1 unit = 1 CSS pixel). SVG and PNG implement it, so
 * both files come from one layout. Colours are "#rrggbb"; a null fill or stroke draws nothing. Text
 * is placed by its baseline.
 */
interface Canvas {
  enum Anchor {
    START,
    MIDDLE,
    END
  }

  void line(double x1, double y1, double x2, double y2, String stroke, double width);

  void polyline(double[] xs, double[] ys, String stroke, double width);

  void rect(double x, double y, double w, double h, String fill, String stroke, double width);

  void circle(double cx, double cy, double r, String fill, String stroke, double width);

  void polygon(double[] xs, double[] ys, String fill, String stroke, double width);

  /** Text, turned by {@code degrees} around (x, y); negative turns it anticlockwise. */
  void text(
      String s,
      double x,
      double y,
      double size,
      boolean bold,
      String color,
      Anchor anchor,
      double degrees);

  default void text(
      String s, double x, double y, double size, boolean bold, String color, Anchor anchor) {
    text(s, x, y, size, bold, color, anchor, 0);
  }

  /** Starts a named group (one series on one panel), so SVG readers can pick it out. */
  default void beginGroup(String kind, String name) {}

  default void endGroup() {}

  /** A width that is generous for any common sans-serif font, for layout decisions. */
  static double textWidth(String s, double size, boolean bold) {
    return s.length() * size * (bold ? 0.66 : 0.6);
  }
}
