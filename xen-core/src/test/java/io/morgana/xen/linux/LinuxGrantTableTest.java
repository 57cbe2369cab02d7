package io.morgana.xen.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.xen.grant.SharedPages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link LinuxGrantTable} sends to {@code /dev/xen/gntalloc}, against a fake device: the
 * ioctl numbers and argument bytes of {@code xen/gntalloc.h} (golden values from the header, see
 * xen-abi.md §7.2), and mmap offsets equal to the {@code index} the kernel returned.
 */
class LinuxGrantTableTest {

  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** A gntalloc that records every call, hands out indices 0x10000 apart and refs from 100. */
  static final class FakeGntalloc implements LinuxGrantTable.Device {
    final List<String> calls = new ArrayList<>();
    final List<byte[]> args = new ArrayList<>();
    long nextIndex = 0x10000;
    int nextRef = 100;
    boolean failMmap;
    final Arena arena = Arena.ofShared();

    @Override
    public void ioctl(long request, MemorySegment arg, String what) {
      calls.add(String.format("ioctl 0x%08x", request));
      if (request == 0x00184705L) { // ALLOC_GREF: fill index and gref_ids
        int count = arg.get(U32, 4);
        arg.set(U64, 8, nextIndex);
        nextIndex += 0x10000;
        for (int i = 0; i < count; i++) {
          arg.set(U32, 16 + 4L * i, nextRef++);
        }
      }
      args.add(arg.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public MemorySegment mmap(long length, long offset) {
      calls.add("mmap length=" + length + " offset=0x" + Long.toHexString(offset));
      if (failMmap) {
        throw new UncheckedIOException(new IOException("ENOMEM"));
      }
      return arena.allocate(length, 4096);
    }

    @Override
    public void munmap(MemorySegment mapped) {
      calls.add("munmap length=" + mapped.byteSize());
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  @Test
  void gntallocH_allocGrefArgumentsAndMmapOffset() {
    FakeGntalloc dev = new FakeGntalloc();
    LinuxGrantTable gt = new LinuxGrantTable(dev);
    SharedPages p = gt.share(7, 3, false);
    assertEquals(List.of("ioctl 0x00184705", "mmap length=12288 offset=0x10000"), dev.calls);
    MemorySegment arg = MemorySegment.ofArray(dev.args.get(0));
    assertTrue(arg.byteSize() >= 16 + 4 * 3, "room for three gref_ids");
    assertEquals(7, arg.get(U16, 0), "domid u16 @0");
    assertEquals(1, arg.get(U16, 2), "flags u16 @2: GNTALLOC_FLAG_WRITABLE");
    assertEquals(3, arg.get(U32, 4), "count u32 @4");
    assertArrayEquals(new int[] {100, 101, 102}, new int[] {p.ref(0), p.ref(1), p.ref(2)}, "gref_ids u32 @16..");
    assertEquals(7, p.remoteDomid());
    assertEquals(3, p.pages().count());
  }

  @Test
  void gntallocH_readOnlySharesClearTheWritableFlag() {
    FakeGntalloc dev = new FakeGntalloc();
    new LinuxGrantTable(dev).share(0, 1, true);
    assertEquals(0, MemorySegment.ofArray(dev.args.get(0)).get(U16, 2));
  }

  @Test
  void gntallocH_closeUnmapsThenDeallocsTheSameIndexAndCount() {
    FakeGntalloc dev = new FakeGntalloc();
    LinuxGrantTable gt = new LinuxGrantTable(dev);
    gt.share(0, 1, false);
    SharedPages p = gt.share(0, 2, false);
    dev.calls.clear();
    p.close();
    assertEquals(List.of("munmap length=8192", "ioctl 0x00104706"), dev.calls);
    MemorySegment arg = MemorySegment.ofArray(dev.args.getLast());
    assertEquals(0x20000, arg.get(U64, 0), "index u64 @0: the second allocation's");
    assertEquals(2, arg.get(U32, 8), "count u32 @8");
    gt.close();
    assertEquals("close", dev.calls.getLast());
  }

  @Test
  void gntallocH_aFailedMmapGivesTheGrantsBack() {
    FakeGntalloc dev = new FakeGntalloc();
    dev.failMmap = true;
    LinuxGrantTable gt = new LinuxGrantTable(dev);
    assertThrows(UncheckedIOException.class, () -> gt.share(0, 4, false));
    assertEquals(List.of("ioctl 0x00184705", "mmap length=16384 offset=0x10000", "ioctl 0x00104706"), dev.calls);
    MemorySegment arg = MemorySegment.ofArray(dev.args.getLast());
    assertEquals(0x10000, arg.get(U64, 0));
    assertEquals(4, arg.get(U32, 8));
  }

  @Test
  void gntallocH_unmapNotifyArguments() {
    FakeGntalloc dev = new FakeGntalloc();
    LinuxGrantTable gt = new LinuxGrantTable(dev);
    SharedPages p = gt.share(0, 1, false);
    gt.setUnmapNotify(p, 12, 0x3, 9);
    assertEquals("ioctl 0x00104707", dev.calls.getLast());
    MemorySegment arg = MemorySegment.ofArray(dev.args.getLast());
    assertEquals(0x10000 + 12, arg.get(U64, 0), "index u64 @0: the page's index plus the byte offset");
    assertEquals(0x3, arg.get(U32, 8), "action u32 @8");
    assertEquals(9, arg.get(U32, 12), "event_channel_port u32 @12");
  }
}
