package io.morgana.runtime.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class IfreqTest {

  @Test
  void layout_nameAtZeroFlagsShortAtSixteen() {
    try (Arena arena = Arena.ofConfined()) {
      Ifreq ifr = Ifreq.named(arena, "tap7").flags(Ifreq.IFF_TAP | Ifreq.IFF_NO_PI);
      assertEquals(40, ifr.segment().byteSize());
      byte[] bytes = ifr.segment().toArray(ValueLayout.JAVA_BYTE);
      assertEquals('t', bytes[0]);
      assertEquals('7', bytes[3]);
      assertEquals(0, bytes[4]);
      // little-endian short 0x1002 at offset 16 on x86-64 and arm64
      assertEquals(0x02, bytes[16]);
      assertEquals(0x10, bytes[17]);
      assertEquals(0x1002, ifr.flags());
      assertEquals("tap7", ifr.name());
    }
  }

  @Test
  void names_ofFifteenCharactersFitWithTheirNul() {
    try (Arena arena = Arena.ofConfined()) {
      assertEquals("a23456789012345", Ifreq.named(arena, "a23456789012345").name());
      assertThrows(IllegalArgumentException.class, () -> Ifreq.named(arena, "a234567890123456"));
      assertThrows(IllegalArgumentException.class, () -> Ifreq.named(arena, ""));
    }
  }
}
