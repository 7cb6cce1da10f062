package io.wattsweep.coordinator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void controlAndBidiCharactersArePrintedAsEscapes() {
    assertEquals(
        "red\\u001B[31m \\u202Eevil\\u0007", Printable.text("red\u001b[31m \u202eevil\u0007"));
    assertEquals("two\nlines\tand a tab", Printable.text("two\nlines\tand a tab"));
    assertEquals("two\\u000Alines", Printable.cell("two\nlines"));
    assertEquals("lone \\uD800 surrogate", Printable.text("lone \ud800 surrogate"));
    String plain = "3dgan@0.25 cpu fp32 b4 — ünïcode 😀";
    assertSame(plain, Printable.text(plain));
  }

  @Test
  void aTableCellCannotBreakTheTableOrReachTheTerminal() {
    String table =
        ResultTable.format(
            List.of(new String[] {"name", "state"}, new String[] {"a\u001b[2J\nb", "ok"}));
    assertFalse(table.contains("\u001b"), table);
    assertEquals(2, table.split("\n").length, "a header and one row: " + table);
  }
}
