package io.morgana.fs.fat.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.morgana.fs.fat.wire.FatFormatException;
import org.junit.jupiter.api.Test;

/** Allocation prefers one extent; chains are checked, never followed into a loop. */
class FatTableTest {

  /** An empty FAT32 table of {@code clusters} clusters (entries 0 and 1 reserved). */
  static FatTable empty(int clusters) {
    FatTable t = new FatTable(new byte[(clusters + 2) * 4 + 4], 32, 512, clusters);
    t.set(0, 0x0FFFFFF8);
    t.set(1, 0x0FFFFFFF);
    return t;
  }

  static long[] run(long first, int n) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = first + i;
    }
    return r;
  }

  @Test
  void allocate_takesTheFirstExtentLongEnough_skippingFragments() throws FatFormatException {
    FatTable t = empty(100);
    long[] a = t.allocate(10); // 2..11
    for (int i = 0; i < 10; i += 2) {
      t.free(new long[] {a[i]}); // free 2, 4, 6, 8, 10: holes of one cluster
    }
    long[] b = t.allocate(5);
    assertArrayEquals(run(12, 5), b, "one extent after the holes, not the five holes");
    assertArrayEquals(b, t.chain(12));
    assertEquals(100 - 5 - 5, t.freeCount());
  }

  @Test
  void allocate_afterAChainsEnd_continuesItInPlace() {
    FatTable t = empty(100);
    long[] a = t.allocate(3); // 2..4
    t.allocate(2); // 5..6: the next-free hint moves past them
    t.free(new long[] {5, 6});
    long[] more = t.allocate(2, a[2]);
    assertArrayEquals(new long[] {5, 6}, more);
  }

  @Test
  void allocate_withNoExtent_fallsBackToScatteredClusters_orNothing() throws FatFormatException {
    FatTable t = empty(10);
    long[] all = t.allocate(10);
    t.free(new long[] {all[1], all[4], all[7]});
    long[] got = t.allocate(3);
    assertArrayEquals(new long[] {all[1], all[4], all[7]}, got);
    assertArrayEquals(got, t.chain(got[0]));
    assertNull(t.allocate(1));
    assertEquals(0, t.freeCount());
  }

  @Test
  void chain_thatLoops_isAFormatError() {
    FatTable t = empty(10);
    t.set(2, 3);
    t.set(3, 2);
    assertThrows(FatFormatException.class, () -> t.chain(2));
  }

  @Test
  void freeCount_atMount_countsOnlyFreeEntries() {
    FatTable t = empty(50);
    t.allocate(7);
    FatTable again = new FatTable(t.bytes(), 32, 512, 50);
    assertEquals(43, again.freeCount());
    byte[] fat16 = new byte[(50 + 2) * 2 + 4];
    fat16[2 * 2] = (byte) 0xFF;
    fat16[2 * 2 + 1] = (byte) 0xFF;
    assertEquals(49, new FatTable(fat16, 16, 512, 50).freeCount());
  }
}
