package io.wattsweep.coordinator.cli;

/**
 * What the CLI prints of text that users and workers supplied (sweep names, metadata, failure
 * messages): control characters and invisible format characters (bidirectional overrides such as
 * U+202E, zero-width characters) are shown as {@code \}{@code uXXXX}, so that no stored string can
 * move the cursor, recolour or reorder the terminal.
 */
final class Printable {

  private Printable() {}

  /** For a table cell: every line break escaped too, so that the columns hold. */
  static String cell(String s) {
    return escape(s, false);
  }

  /** For printed text: line breaks and tabs kept. */
  static String text(String s) {
    return escape(s, true);
  }

  private static String escape(String s, boolean keepLayout) {
    if (s == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean layout = cp == '\n' || cp == '\r' || cp == '\t';
      boolean unsafe =
          (Character.isISOControl(cp) && !(keepLayout && layout))
              || Character.getType(cp) == Character.FORMAT
              || Character.getType(cp) == Character.SURROGATE;
      if (unsafe && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (unsafe) {
        out.append(String.format("\\u%04X", cp));
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i = next;
    }
    return out == null ? s : out.toString();
  }
}
