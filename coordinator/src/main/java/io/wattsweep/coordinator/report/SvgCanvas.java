package io.wattsweep.coordinator.report;

import java.util.Locale;

/** Writes the drawing as SVG 1.1 elements. */
final class SvgCanvas implements Canvas {
  static final String FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

  private final StringBuilder body = new StringBuilder();

  /** A standalone .svg file. */
  String document(double width, double height, String title) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\""
        + n(width)
        + "\" height=\""
        + n(height)
        + "\""
        + rest(width, height, title);
  }

  /** For inlining in HTML, where the namespace is implied; scales to its container. */
  String inline(double width, double height, String title) {
    return "<svg width=\"100%\"" + rest(width, height, title);
  }

  private String rest(double width, double height, String title) {
    return " viewBox=\"0 0 "
        + n(width)
        + " "
        + n(height)
        + "\" font-family=\""
        + FONT
        + "\" role=\"img\" aria-label=\""
        + Text.escape(title)
        + "\">\n<title>"
        + Text.escape(title)
        + "</title>\n<rect width=\""
        + n(width)
        + "\" height=\""
        + n(height)
        + "\" fill=\"#ffffff\"/>\n"
        + body
        + "</svg>\n";
  }

  @Override
  public void beginGroup(String kind, String name) {
    body.append("<g class=\"")
        .append(Text.escape(kind))
        .append("\" data-name=\"")
        .append(Text.escape(name))
        .append("\">\n");
  }

  @Override
  public void endGroup() {
    body.append("</g>\n");
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String stroke, double width) {
    body.append("<line x1=\"")
        .append(n(x1))
        .append("\" y1=\"")
        .append(n(y1))
        .append("\" x2=\"")
        .append(n(x2))
        .append("\" y2=\"")
        .append(n(y2))
        .append('"')
        .append(paint(null, stroke, width))
        .append("/>\n");
  }

  @Override
  public void polyline(double[] xs, double[] ys, String stroke, double width) {
    body.append("<polyline points=\"")
        .append(points(xs, ys))
        .append('"')
        .append(paint(null, stroke, width))
        .append(" stroke-linejoin=\"round\"/>\n");
  }

  @Override
  public void rect(
      double x, double y, double w, double h, String fill, String stroke, double width) {
    body.append("<rect x=\"")
        .append(n(x))
        .append("\" y=\"")
        .append(n(y))
        .append("\" width=\"")
        .append(n(w))
        .append("\" height=\"")
        .append(n(h))
        .append('"')
        .append(paint(fill, stroke, width))
        .append("/>\n");
  }

  @Override
  public void circle(double cx, double cy, double r, String fill, String stroke, double width) {
    body.append("<circle cx=\"")
        .append(n(cx))
        .append("\" cy=\"")
        .append(n(cy))
        .append("\" r=\"")
        .append(n(r))
        .append('"')
        .append(paint(fill, stroke, width))
        .append("/>\n");
  }

  @Override
  public void polygon(double[] xs, double[] ys, String fill, String stroke, double width) {
    body.append("<polygon points=\"")
        .append(points(xs, ys))
        .append('"')
        .append(paint(fill, stroke, width))
        .append("/>\n");
  }

  @Override
  public void text(
      String s,
      double x,
      double y,
      double size,
      boolean bold,
      String color,
      Anchor anchor,
      double degrees) {
    body.append("<text x=\"")
        .append(n(x))
        .append("\" y=\"")
        .append(n(y))
        .append("\" font-size=\"")
        .append(n(size))
        .append('"');
    if (bold) {
      body.append(" font-weight=\"bold\"");
    }
    if (anchor != Anchor.START) {
      body.append(" text-anchor=\"").append(anchor == Anchor.MIDDLE ? "middle" : "end").append('"');
    }
    if (degrees != 0) {
      body.append(" transform=\"rotate(")
          .append(n(degrees))
          .append(' ')
          .append(n(x))
          .append(' ')
          .append(n(y))
          .append(")\"");
    }
    body.append(" fill=\"").append(color).append("\">").append(Text.escape(s)).append("</text>\n");
  }

  private static String paint(String fill, String stroke, double width) {
    String s = " fill=\"" + (fill == null ? "none" : fill) + "\"";
    if (stroke != null) {
      s += " stroke=\"" + stroke + "\" stroke-width=\"" + n(width) + "\"";
    }
    return s;
  }

  private static String points(double[] xs, double[] ys) {
    var out = new StringBuilder();
    for (int i = 0; i < xs.length; i++) {
      out.append(i == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
    }
    return out.toString();
  }

  private static String n(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    s = s.replaceAll("\\.?0+$", "");
    return s.equals("-0") ? "0" : s;
  }
}
