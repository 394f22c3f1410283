package dev.cloudedge.federation.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoTextTest {
  @Test
  void trimsWhatGoTrims() {
    assertEquals("x", GoText.trimSpace("\u0085x\u0085"), "NEL is space in Go");
    assertEquals("x", GoText.trimSpace("\u00a0x\u00a0"), "NBSP is space in Go (String.strip keeps it)");
    assertEquals("x", GoText.trimSpace(" \t\n\u000b\f\rx\r\n"));
    assertEquals("x", GoText.trimSpace("\u2000\u2028\u2029\u3000\u1680x\u205f"));
    assertEquals("a b", GoText.trimSpace("  a b  "));
    assertEquals("", GoText.trimSpace("\u00a0\u0085 "));
    assertEquals("", GoText.trimSpace(null));
  }

  @Test
  void keepsWhatGoKeeps() {
    assertEquals("\u200bx", GoText.trimSpace("\u200bx"), "zero width space is not unicode.IsSpace");
    assertEquals("\ufeffx", GoText.trimSpace("\ufeffx"), "BOM is not space");
    assertEquals("x\u001c", GoText.trimSpace("x\u001c"), "file separator is not space in Go");
    assertEquals("\uD83D\uDE00", GoText.trimSpace(" \uD83D\uDE00 "), "surrogate pairs survive");
  }

  @Test
  void isSpaceMatchesGoTable() {
    for (int c : new int[] {'\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xa0, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029,
        0x202f, 0x205f, 0x3000}) {
      assertTrue(GoText.isSpace(c), Integer.toHexString(c));
    }
    for (int c : new int[] {'a', 0, 0x1c, 0x1f, 0x200b, 0xfeff, 0x180e}) {
      assertFalse(GoText.isSpace(c), Integer.toHexString(c));
    }
  }

  @Test
  void isBlank() {
    assertTrue(GoText.isBlank(null));
    assertTrue(GoText.isBlank("\u00a0"));
    assertFalse(GoText.isBlank(" a "));
  }
}
