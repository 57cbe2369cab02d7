package io.morgana.xen.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SharedRingLayoutTest {

  @ParameterizedTest(name = "stride {0}, order {1} -> {2}")
  @CsvSource({
    // xen-abi.md 1.2, computed by __CONST_RING_SIZE in layout.c
    "12, 0, 256", "12, 1, 512", "12, 4, 4096",
    "8, 0, 256", "8, 3, 2048",
    "112, 0, 32", "112, 1, 64", "112, 2, 128", "112, 3, 256", "112, 4, 512",
    "108, 0, 32",
    "16, 0, 128", "16, 4, 2048",
  })
  void ringH_ringSizeRoundsDownToAPowerOfTwo(int stride, int order, int expected) {
    assertEquals(expected, SharedRingLayout.ringSize(SharedRingLayout.ringBytes(order), stride));
  }

  @Test
  void ringH_rd32() {
    assertEquals(0, SharedRingLayout.rd32(0));
    assertEquals(1, SharedRingLayout.rd32(1));
    assertEquals(32, SharedRingLayout.rd32(36));
    assertEquals(256, SharedRingLayout.rd32(336));
    assertEquals(512, SharedRingLayout.rd32(584));
    assertEquals(1 << 30, SharedRingLayout.rd32(0xffff_ffffL));
    assertEquals(0, SharedRingLayout.ringSize(64, 8), "no room for a slot");
  }

  @ParameterizedTest(name = "old {0} new {1} event {2} -> {3}")
  @CsvSource({
    // xen-abi.md appendix A.4 (notify.out, the real macro)
    "0, 1, 1, true",
    "5, 8, 6, true",
    "5, 8, 8, true",
    "5, 8, 9, false",
    "5, 8, 5, false",
    "0xfffffffe, 1, 0xffffffff, true",
    "0xfffffffe, 1, 0, true",
    "0xfffffffe, 1, 2, false",
  })
  void ringH_pushAndCheckNotifyWindow(String old, String now, String event, boolean notify) {
    assertEquals(notify, SharedRingLayout.needsNotify(parse(old), parse(now), parse(event)));
  }

  private static int parse(String s) {
    return s.startsWith("0x") ? Integer.parseUnsignedInt(s.substring(2), 16) : Integer.parseInt(s);
  }

  @Test
  void ringH_sharedRingInit() {
    MemorySegment page = Arena.ofAuto().allocate(4096, 4096);
    page.fill((byte) 0x5a);
    FrontRing front = FrontRing.init(page, SharedRingLayout.BLKIF_STRIDE);
    assertEquals(0, page.get(ValueLayout.JAVA_INT, 0));
    assertEquals(1, page.get(ValueLayout.JAVA_INT, 4));
    assertEquals(0, page.get(ValueLayout.JAVA_INT, 8));
    assertEquals(1, page.get(ValueLayout.JAVA_INT, 12));
    for (int i = 16; i < 64; i++) {
      assertEquals(0, page.get(ValueLayout.JAVA_BYTE, i), "pvt and __pad zeroed");
    }
    assertEquals(32, front.size());
    assertEquals(32, front.freeRequests());
  }
}
