package io.morgana.net.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tap.VirtioNetHeader.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The transmit side of {@link VirtioNetHeader}: the header {@link VirtioNetHeader#forTransmit}
 * sets for a frame the stack hands down (virtio 1.2 §5.1.6.2 "Packet Transmission": {@code
 * NEEDS_CSUM} with {@code csum_start}/{@code csum_offset}; {@code GSO_TCPV4} with {@code
 * gso_size} and {@code hdr_len}).
 */
class VirtioNetHeaderTransmitTest {

  static final int MTU = 1500;

  /** An Ethernet + IPv4 frame of {@code protocol} with the given header sizes and payload bytes. */
  static ByteBuf frame(int etherType, int protocol, int ihlWords, int tcpWords, int payload) {
    int ip = ihlWords * 4;
    int l4 = protocol == 6 ? tcpWords * 4 : 8;
    ByteBuf b = Unpooled.buffer(14 + ip + l4 + payload).writeZero(14 + ip + l4 + payload);
    b.setShort(12, etherType);
    b.setByte(14, 0x40 | ihlWords);
    b.setShort(16, ip + l4 + payload);
    b.setByte(14 + 9, protocol);
    if (protocol == 6) {
      b.setByte(14 + ip + 12, tcpWords << 4);
    }
    return b;
  }

  @Test
  void plainFrame_getsTheTenZeroBytesOfNoOffload() {
    VirtioNetHeader h = new VirtioNetHeader();
    h.flags = 1;
    h.gsoType = 1;
    ByteBuf f = frame(0x0800, 6, 5, 8, 100);
    assertTrue(h.forTransmit(f, 0, f.readableBytes(), MTU, false, 0));
    ByteBuf out = Unpooled.buffer(10).writeZero(10);
    h.write(out, 0);
    assertArrayEquals(new byte[10], ByteBufUtil.getBytes(out));
  }

  @Test
  void tcpWithPartialChecksum_needsCsum_startAfterIpv4Header_offset16() {
    ByteBuf f = frame(0x0800, 6, 5, 8, 1000);
    VirtioNetHeader h = new VirtioNetHeader();
    assertTrue(h.forTransmit(f, 0, f.readableBytes(), MTU, true, 0));
    assertEquals(VirtioNetHeader.F_NEEDS_CSUM, h.flags);
    assertEquals(VirtioNetHeader.GSO_NONE, h.gsoType);
    assertEquals(34, h.csumStart);
    assertEquals(16, h.csumOffset);
  }

  @Test
  void udpWithPartialChecksum_offset6_andIpv4OptionsMoveCsumStart() {
    ByteBuf f = frame(0x0800, 17, 7, 0, 100); // IHL 7: 8 bytes of IPv4 options
    VirtioNetHeader h = new VirtioNetHeader();
    assertTrue(h.forTransmit(f, 0, f.readableBytes(), MTU, true, 0));
    assertEquals(VirtioNetHeader.F_NEEDS_CSUM, h.flags);
    assertEquals(14 + 28, h.csumStart);
    assertEquals(6, h.csumOffset);
  }

  @Test
  void tcpSuperSegmentAboveTheMtu_isGsoTcpv4_withSegmentSizeAndHeaderLength() {
    ByteBuf f = frame(0x0800, 6, 5, 8, 10 * 1448);
    VirtioNetHeader h = new VirtioNetHeader();
    assertTrue(h.forTransmit(f, 0, f.readableBytes(), MTU, true, 1448));
    assertEquals(VirtioNetHeader.F_NEEDS_CSUM, h.flags);
    assertEquals(VirtioNetHeader.GSO_TCPV4, h.gsoType);
    assertEquals(1448, h.gsoSize);
    assertEquals(14 + 20 + 32, h.hdrLen);
    // The bytes Linux reads: flags 1, gso_type 1, hdr_len 66, gso_size 1448, csum 34/16 (LE).
    ByteBuf out = Unpooled.buffer(10).writeZero(10);
    h.write(out, 0);
    assertArrayEquals(ByteBufUtil.decodeHexDump("01014200a80522001000"), ByteBufUtil.getBytes(out));
  }

  @Test
  void segmentSizeOnAFrameWithinTheMtu_isNoGso() {
    ByteBuf f = frame(0x0800, 6, 5, 5, 1000);
    VirtioNetHeader h = new VirtioNetHeader();
    assertTrue(h.forTransmit(f, 0, f.readableBytes(), MTU, true, 1460));
    assertEquals(VirtioNetHeader.GSO_NONE, h.gsoType);
    assertEquals(0, h.gsoSize);
  }

  @Test
  void framesTheFlagsDoNotDescribe_areRefused() {
    VirtioNetHeader h = new VirtioNetHeader();
    ByteBuf big = frame(0x0800, 6, 5, 5, 3000);
    assertFalse(h.forTransmit(big, 0, big.readableBytes(), MTU, false, 0), "above the MTU, no offload");
    assertFalse(h.forTransmit(big, 0, big.readableBytes(), MTU, true, 0), "above the MTU, no segment size");
    ByteBuf bigUdp = frame(0x0800, 17, 5, 0, 3000);
    assertFalse(h.forTransmit(bigUdp, 0, bigUdp.readableBytes(), MTU, true, 1000), "UDP is not TCPV4 GSO");
    ByteBuf arp = frame(0x0806, 6, 5, 5, 10);
    assertFalse(h.forTransmit(arp, 0, arp.readableBytes(), MTU, true, 0), "not IPv4");
    ByteBuf icmp = frame(0x0800, 1, 5, 5, 10);
    assertFalse(h.forTransmit(icmp, 0, icmp.readableBytes(), MTU, true, 0), "ICMP has no offloaded checksum");
    ByteBuf shortTcp = frame(0x0800, 6, 5, 5, 0);
    assertFalse(h.forTransmit(shortTcp, 0, 14 + 20 + 10, MTU, true, 0), "checksum past the end");
    ByteBuf badOffset = frame(0x0800, 6, 5, 3, 3000);
    assertFalse(h.forTransmit(badOffset, 0, badOffset.readableBytes(), MTU, true, 1000), "TCP data offset 3");
  }

  @Test
  void encodedIntoNativeMemory_isTheSameTenBytesAsIntoABuffer() {
    ByteBuf f = frame(0x0800, 6, 6, 8, 5000);
    VirtioNetHeader h = new VirtioNetHeader();
    assertTrue(h.forTransmit(f, 0, f.readableBytes(), MTU, true, 1448));
    ByteBuf viaBuf = Unpooled.buffer(10).writeZero(10);
    h.write(viaBuf, 0);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(12);
      h.write(m, 2);
      assertArrayEquals(ByteBufUtil.getBytes(viaBuf), m.asSlice(2, 10).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
    assertEquals(Verdict.CHECKSUM_VERIFIED, new VirtioNetHeader().read(viaBuf, 0).check(f.readableBytes(), MTU));
  }
}
