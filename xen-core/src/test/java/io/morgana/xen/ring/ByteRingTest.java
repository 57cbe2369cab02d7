package io.morgana.xen.ring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ByteRingTest {

  private final MemorySegment page = Arena.ofAuto().allocate(4096, 4096);

  @Test
  void consoleH_bytesWrapAroundTheOutRing() {
    ByteRing out = ByteRing.consoleOut(page);
    byte[] data = new byte[1500];
    Arrays.fill(data, (byte) 'a');
    assertEquals(1500, out.write(MemorySegment.ofArray(data), 0, 1500));
    assertEquals(1500, out.read(MemorySegment.ofArray(new byte[1500]), 0, 1500));
    byte[] wrapped = new byte[1000];
    for (int i = 0; i < wrapped.length; i++) {
      wrapped[i] = (byte) i;
    }
    assertEquals(1000, out.write(MemorySegment.ofArray(wrapped), 0, 1000));
    assertEquals(2500, Integer.toUnsignedLong(page.get(JAVA_INT, ByteRing.CONS_OUT_PROD_OFFSET)));
    // bytes 1500..2047 of out[], then 0..451
    assertEquals((byte) 0, page.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1024 + 1500));
    assertEquals((byte) (548 & 0xff), page.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1024));
    byte[] back = new byte[1000];
    assertEquals(1000, out.read(MemorySegment.ofArray(back), 0, 1000));
    assertArrayEquals(wrapped, back);
  }

  @Test
  void fullRingTakesNoMore() {
    ByteRing in = ByteRing.consoleIn(page);
    ByteBuf src = Unpooled.buffer().writeZero(1500);
    assertEquals(1024, in.write(src));
    assertEquals(476, src.readableBytes());
    assertEquals(0, in.write(src));
    assertEquals(0, in.free());
    ByteBuf dst = Unpooled.buffer(100);
    assertEquals(100, in.read(dst));
    assertEquals(100, in.write(src));
    src.release();
    dst.release();
  }

  @Test
  void freeRunningIndicesWrapAt2To32() {
    page.set(JAVA_INT, ByteRing.CONS_IN_PROD_OFFSET, -3);
    page.set(JAVA_INT, ByteRing.CONS_IN_CONS_OFFSET, -3);
    ByteRing in = ByteRing.consoleIn(page);
    assertEquals(8, in.write(MemorySegment.ofArray("12345678".getBytes()), 0, 8));
    assertEquals(5, page.get(JAVA_INT, ByteRing.CONS_IN_PROD_OFFSET));
    byte[] back = new byte[8];
    assertEquals(8, in.read(MemorySegment.ofArray(back), 0, 8));
    assertEquals("12345678", new String(back));
  }

  @Test
  void consoleH_corruptIndicesAreARingException() {
    ByteRing out = ByteRing.consoleOut(page);
    page.set(JAVA_INT, ByteRing.CONS_OUT_PROD_OFFSET, 2049);
    assertThrows(RingException.class, () -> out.read(MemorySegment.ofArray(new byte[10]), 0, 10));
    page.set(JAVA_INT, ByteRing.CONS_OUT_PROD_OFFSET, 0);
    page.set(JAVA_INT, ByteRing.CONS_OUT_CONS_OFFSET, 1);
    assertThrows(RingException.class, () -> out.write(MemorySegment.ofArray(new byte[10]), 0, 10));
  }

  @Test
  void readIntoABufferOfSeveralComponentsKeepsEveryByte() {
    // A CompositeByteBuf's nioBuffer() over two components is a copy: bytes read into it would
    // be consumed from the ring and lost.
    ByteRing in = ByteRing.consoleIn(page);
    byte[] data = "0123456789abcdef".getBytes();
    assertEquals(16, in.write(MemorySegment.ofArray(data), 0, 16));
    ByteBuf destination = Unpooled.compositeBuffer()
        .addComponents(true, Unpooled.wrappedBuffer(new byte[8]), Unpooled.wrappedBuffer(new byte[8]))
        .writerIndex(0);
    assertEquals(2, destination.nioBufferCount());
    assertEquals(16, destination.capacity());
    assertEquals(16, destination.writableBytes());
    assertEquals(16, in.read(destination));
    assertEquals("0123456789abcdef", destination.toString(java.nio.charset.StandardCharsets.US_ASCII));
    destination.release();
  }

  @Test
  void writeFromABufferOfSeveralComponents() {
    ByteRing out = ByteRing.consoleOut(page);
    ByteBuf source = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer("abc".getBytes()), Unpooled.wrappedBuffer("def".getBytes()));
    assertEquals(6, out.write(source));
    assertEquals(0, source.readableBytes());
    byte[] back = new byte[6];
    assertEquals(6, out.read(MemorySegment.ofArray(back), 0, 6));
    assertEquals("abcdef", new String(back));
  }
}
