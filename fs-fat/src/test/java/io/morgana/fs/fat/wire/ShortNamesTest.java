package io.morgana.fs.fat.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShortNamesTest {

  /** fatgen103 §7, ChkSum(), transcribed literally. */
  static int referenceChecksum(byte[] name) {
    int sum = 0;
    for (int i = 0; i < 11; i++) {
      sum = (((sum & 1) != 0 ? 0x80 : 0) + ((sum & 0xFF) >> 1) + (name[i] & 0xFF)) & 0xFF;
    }
    return sum;
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @CsvSource({"'README  TXT'", "LONGFI~1TEX", "'A          '", "_N_C_D~1TXT", "12345678ABC"})
  void fatgen103_checksumMatchesTheSpecificationsRoutine(String name) {
    byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(referenceChecksum(b), ShortNames.checksum(b));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "a.txt                          | A       TXT",
    "README                         | README     ",
    "Long File Name With Spaces.text| LONGFI~1TEX",
    "Ünïcödé-ñame.txt               | _N_C_D~1TXT",
    "..leading.dots                 | LEADIN~1DOT",
    "+plus,comma;semi=eq[br].txt    | _PLUS_~1TXT",
    "name with   spaces             | NAMEWI~1   ",
    "ABC.TXT.GZ                     | ABC~1   GZ ",
    "verylongname_1.dat             | VERYLO~1DAT",
    "日本語のファイル                   | ______~1   ",
    "x                              | X          ",
  })
  void basisNameAndNumericTail_followTheWindowsAlgorithm(String longName, String expected) {
    assertEquals(String.format("%-11s", expected), s(ShortNames.alias(longName.strip(), n -> false)));
  }

  @Test
  void numericTail_skipsTakenAliasesAndShortensTheBasis() {
    Set<String> taken = new HashSet<>();
    for (int i = 1; i <= 9; i++) {
      byte[] a = ShortNames.alias("Long File Name With Spaces.text", taken::contains);
      assertEquals("LONGFI~" + i + "TEX", s(a));
      taken.add(s(a));
    }
    assertEquals("LONGF~10TEX", s(ShortNames.alias("Long File Name With Spaces.text", taken::contains)));
  }

  @Test
  void exactShortName_takenByAnother_getsATail() {
    Set<String> taken = Set.of("A       TXT");
    assertEquals("A~1     TXT", s(ShortNames.alias("a.txt", taken::contains)));
  }

  @Test
  void invalidLongNames_areNamed() {
    assertNotNull(ShortNames.invalidLongName(""));
    assertNotNull(ShortNames.invalidLongName("."));
    assertNotNull(ShortNames.invalidLongName(".."));
    assertNotNull(ShortNames.invalidLongName("a*b"));
    assertNotNull(ShortNames.invalidLongName("a\u0001"));
    assertNotNull(ShortNames.invalidLongName("trailing."));
    assertNotNull(ShortNames.invalidLongName("trailing "));
    assertNotNull(ShortNames.invalidLongName("x".repeat(256)));
    assertNull(ShortNames.invalidLongName("x".repeat(255)));
    assertNull(ShortNames.invalidLongName("+,;=[] are fine in long names"));
  }

  @Test
  void display_appliesNtLowerCaseFlags() {
    byte[] n = "README  TXT".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("README.TXT", ShortNames.display(n, 0));
    assertEquals("readme.TXT", ShortNames.display(n, DirectoryEntry.NT_LOWER_BASE));
    assertEquals("readme.txt", ShortNames.display(n, DirectoryEntry.NT_LOWER_BASE | DirectoryEntry.NT_LOWER_EXT));
    byte[] kanji = "\u0005ABC    TXT".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("\u00E5ABC.TXT", ShortNames.display(kanji, 0));
  }

  @Test
  void longNameSlots_roundTripWithOrdinalsChecksumAndPadding() throws FatFormatException {
    String name = "A name that needs three entries.txt"; // 35 code units
    LongNameSlot[] slots = LongNameSlot.forName(name, 0x5A);
    assertEquals(3, slots.length);
    assertEquals(3, slots[0].ordinal());
    assertEquals(true, slots[0].last());
    var buf = io.netty.buffer.Unpooled.buffer(96, 96);
    StringBuilder back = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      slots[i].emit(buf, i * 32);
      LongNameSlot p = LongNameSlot.parse(buf, i * 32);
      assertEquals(slots[i].ordinal(), p.ordinal());
      assertEquals(0x5A, p.checksum());
      assertArrayEquals(slots[i].chars(), p.chars());
    }
    for (int i = 2; i >= 0; i--) {
      back.append(LongNameSlot.parse(buf, i * 32).chars());
    }
    String full = back.toString();
    assertEquals(name, full.substring(0, full.indexOf('\0')));
    assertEquals('\uFFFF', full.charAt(full.length() - 1));
  }
}
