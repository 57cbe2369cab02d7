package io.morgana.net.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.net.tap.VirtioNetHeader.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of {@link VirtioNetHeader}: any ten bytes decode and encode back to themselves, and
 * any header — mutated at random — gets a verdict without throwing, and never lets through a
 * frame the stack cannot take (above the MTU without TCPV4 GSO, or a checksum position past the
 * frame). Seeds are printed by jqwik on failure and replayable.
 */
class VirtioNetHeaderProperties {

  @Property
  void anyTenBytes_readThenWrite_giveTheSameTenBytes(@ForAll @Size(10) byte[] bytes) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    ByteBuf out = Unpooled.buffer(10).writeZero(10);
    new VirtioNetHeader().read(in, 0).write(out, 0);
    assertArrayEquals(bytes, ByteBufUtil.getBytes(out, 0, 10));
  }

  @Property
  void anyHeaderAndFrameLength_getAVerdictThatOnlyAcceptsWhatTheStackCanTake(
      @ForAll @Size(10) byte[] bytes,
      @ForAll @IntRange(min = 14, max = 65_535 + 14) int frameLength,
      @ForAll @IntRange(min = 68, max = 9000) int mtu) {
    VirtioNetHeader h = new VirtioNetHeader().read(Unpooled.wrappedBuffer(bytes), 0);
    Verdict v = h.check(frameLength, mtu);
    assertNotNull(v);
    if (v == Verdict.PLAIN || v == Verdict.CHECKSUM_VERIFIED) {
      assertTrue(h.gsoType == VirtioNetHeader.GSO_TCPV4 || frameLength <= mtu + 14, h::toString);
      assertEquals(0, h.flags & ~(VirtioNetHeader.F_NEEDS_CSUM | VirtioNetHeader.F_DATA_VALID), h::toString);
      if ((h.flags & VirtioNetHeader.F_NEEDS_CSUM) != 0) {
        assertTrue(h.csumStart >= 14 && h.csumStart + h.csumOffset + 2 <= frameLength, h::toString);
      }
      assertEquals(h.flags != 0, v == Verdict.CHECKSUM_VERIFIED, h::toString);
    }
  }

  @Property
  void aValidGsoHeaderWithOneFieldMutated_isDroppedOrStillConsistent(
      @ForAll @IntRange(min = 0, max = 9) int index, @ForAll byte value) {
    ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("01014200a80522001000"));
    buf.setByte(index, value);
    VirtioNetHeader h = new VirtioNetHeader().read(buf, 0);
    Verdict v = h.check(65_535 + 14, 1500);
    if (v == Verdict.CHECKSUM_VERIFIED) {
      assertEquals(VirtioNetHeader.GSO_TCPV4, h.gsoType, h::toString);
      assertTrue(h.gsoSize > 0 && h.hdrLen <= 65_535 + 14, h::toString);
    } else {
      assertTrue(v != Verdict.PLAIN, () -> v + " " + h);
    }
  }

  @Property
  void anyTcpOrUdpFrameSentWithAPartialChecksum_encodesAHeaderTheReceiveSideAccepts(
      @ForAll boolean tcp,
      @ForAll @IntRange(min = 5, max = 15) int ihlWords,
      @ForAll @IntRange(min = 5, max = 15) int tcpWords,
      @ForAll @IntRange(min = 0, max = 65_000) int payload,
      @ForAll @IntRange(min = 68, max = 9000) int mtu,
      @ForAll @IntRange(min = 1, max = 9000) int segmentBytes) {
    ByteBuf f = VirtioNetHeaderTransmitTest.frame(0x0800, tcp ? 6 : 17, ihlWords, tcpWords, payload);
    int length = f.readableBytes();
    VirtioNetHeader h = new VirtioNetHeader();
    boolean accepted = h.forTransmit(f, 0, length, mtu, true, segmentBytes);
    boolean oversize = length > mtu + 14;
    // A super-segment must be TCP and carry data to cut.
    assertEquals(!oversize || (tcp && payload > 0), accepted, () -> "length " + length + " " + h);
    if (!accepted) {
      return;
    }
    ByteBuf out = Unpooled.buffer(10).writeZero(10);
    h.write(out, 0);
    VirtioNetHeader back = new VirtioNetHeader().read(out, 0);
    assertEquals(h.toString(), back.toString());
    assertEquals(Verdict.CHECKSUM_VERIFIED, back.check(length, mtu), back::toString);
    assertEquals(14 + ihlWords * 4, back.csumStart);
    assertEquals(tcp ? 16 : 6, back.csumOffset);
    assertEquals(oversize ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_NONE, back.gsoType);
    if (oversize) {
      assertEquals(segmentBytes, back.gsoSize);
      assertEquals(14 + ihlWords * 4 + tcpWords * 4, back.hdrLen);
    }
  }
}
