package io.wattsweep.coordinator.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/** Draws onto an image with Java2D, off screen (no display needed). */
final class PngCanvas implements Canvas, AutoCloseable {
  static {
    // Before the first AWT class loads: a report is written on servers without a display.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private final BufferedImage image;
  private final Graphics2D g;

  /** An image of {@code width x height} figure units at {@code scale} pixels per unit. */
  PngCanvas(double width, double height, int scale) {
    image =
        new BufferedImage(
            (int) Math.ceil(width * scale),
            (int) Math.ceil(height * scale),
            BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.scale(scale, scale);
    g.setColor(Color.WHITE);
    g.fill(new Rectangle2D.Double(0, 0, width, height));
  }

  BufferedImage image() {
    return image;
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String stroke, double width) {
    stroke(new Line2D.Double(x1, y1, x2, y2), stroke, width);
  }

  @Override
  public void polyline(double[] xs, double[] ys, String stroke, double width) {
    var path = new Path2D.Double();
    path.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      path.lineTo(xs[i], ys[i]);
    }
    stroke(path, stroke, width);
  }

  @Override
  public void rect(
      double x, double y, double w, double h, String fill, String stroke, double width) {
    shape(new Rectangle2D.Double(x, y, w, h), fill, stroke, width);
  }

  @Override
  public void circle(double cx, double cy, double r, String fill, String stroke, double width) {
    shape(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r), fill, stroke, width);
  }

  @Override
  public void polygon(double[] xs, double[] ys, String fill, String stroke, double width) {
    var path = new Path2D.Double();
    path.moveTo(xs[0], ys[0]);
    for (int i = 1; i < xs.length; i++) {
      path.lineTo(xs[i], ys[i]);
    }
    path.closePath();
    shape(path, fill, stroke, width);
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
    Font font =
        new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size);
    double w = font.getStringBounds(s, g.getFontRenderContext()).getWidth();
    double shift = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? w / 2 : w;
    var saved = g.getTransform();
    g.translate(x, y);
    if (degrees != 0) {
      g.rotate(Math.toRadians(degrees));
    }
    g.setFont(font);
    g.setColor(Color.decode(color));
    g.drawString(s, (float) -shift, 0f);
    g.setTransform(saved);
  }

  private void stroke(Shape shape, String stroke, double width) {
    g.setColor(Color.decode(stroke));
    g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND));
    g.draw(shape);
  }

  private void shape(Shape shape, String fill, String stroke, double width) {
    if (fill != null) {
      g.setColor(Color.decode(fill));
      g.fill(shape);
    }
    if (stroke != null) {
      stroke(shape, stroke, width);
    }
  }

  @Override
  public void close() {
    g.dispose();
  }
}
