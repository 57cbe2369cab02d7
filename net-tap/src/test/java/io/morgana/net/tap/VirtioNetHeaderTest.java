package io.morgana.net.tap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.net.tap.VirtioNetHeader.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The {@code virtio_net_hdr} of {@code <linux/virtio_net.h>} as a TAP with IFF_VNET_HDR uses it. */
class VirtioNetHeaderTest {

  private static final int MTU = 1500;
  /** Ethernet 14 + IPv4 20: where the kernel's csum_start points for TCP/UDP over IPv4. */
  private static final int L4_START = 34;
  /** offsetof(struct tcphdr, check). */
  private static final int TCP_CHECK = 16;

  private static VirtioNetHeader header(int flags, int gsoType, int hdrLen, int gsoSize, int start, int offset) {
    VirtioNetHeader h = new VirtioNetHeader();
    h.flags = flags;
    h.gsoType = gsoType;
    h.hdrLen = hdrLen;
    h.gsoSize = gsoSize;
    h.csumStart = start;
    h.csumOffset = offset;
    return h;
  }

  @Test
  void read_decodesTheLittleEndianLayoutOfLinuxVirtioNetHdr() {
    // flags NEEDS_CSUM, gso TCPV4, hdr_len 66, gso_size 1448, csum_start 34, csum_offset 16
    ByteBuf buf = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0101" + "4200" + "a805" + "2200" + "1000"));
    VirtioNetHeader h = new VirtioNetHeader().read(buf, 0);
    assertEquals(VirtioNetHeader.F_NEEDS_CSUM, h.flags);
    assertEquals(VirtioNetHeader.GSO_TCPV4, h.gsoType);
    assertEquals(66, h.hdrLen);
    assertEquals(1448, h.gsoSize);
    assertEquals(34, h.csumStart);
    assertEquals(16, h.csumOffset);
  }

  @Test
  void write_thenRead_isTheSameHeaderAndTenBytes() {
    VirtioNetHeader h = header(1, 1, 66, 1448, 34, 16);
    ByteBuf buf = Unpooled.buffer(12);
    buf.setByte(10, 0x7f);
    h.write(buf, 0);
    assertArrayEquals(ByteBufUtil.decodeHexDump("01014200a80522001000" + "7f"), ByteBufUtil.getBytes(buf, 0, 11));
    assertEquals(h.toString(), new VirtioNetHeader().read(buf, 0).toString());
  }

  @Test
  void aNewHeader_isTheNoOffloadHeaderOfTenZeroBytes() {
    ByteBuf buf = Unpooled.buffer(10).writeBytes(ByteBufUtil.decodeHexDump("ffffffffffffffffffff"));
    new VirtioNetHeader().write(buf, 0);
    assertArrayEquals(new byte[10], ByteBufUtil.getBytes(buf, 0, 10));
  }

  @Test
  void check_aZeroHeaderBeforeAFrameUpToTheMtu_isPlain() {
    assertEquals(Verdict.PLAIN, new VirtioNetHeader().check(MTU + 14, MTU));
    assertEquals(Verdict.PLAIN, new VirtioNetHeader().check(60, MTU));
  }

  @Test
  void check_aPartialChecksum_isHandedUpAsVerified() {
    assertEquals(Verdict.CHECKSUM_VERIFIED, header(1, 0, 0, 0, L4_START, TCP_CHECK).check(100, MTU));
  }

  @Test
  void check_dataValid_isHandedUpAsVerified() {
    assertEquals(Verdict.CHECKSUM_VERIFIED, header(2, 0, 0, 0, 0, 0).check(100, MTU));
  }

  @Test
  void check_aTcpv4GsoFrameOf64KiB_isAcceptedAboveTheMtu() {
    assertEquals(
        Verdict.CHECKSUM_VERIFIED, header(1, 1, 66, 1448, L4_START, TCP_CHECK).check(65_535 + 14, MTU));
  }

  @Test
  void check_aFrameAboveTheMtuWithoutGso_isOversize() {
    assertEquals(Verdict.OVERSIZE, new VirtioNetHeader().check(MTU + 15, MTU));
    assertEquals(Verdict.OVERSIZE, header(1, 0, 0, 0, L4_START, TCP_CHECK).check(MTU + 15, MTU));
  }

  @Test
  void check_gsoTypesAndFlagsNeverNegotiated_areUnsupported() {
    assertEquals(Verdict.UNSUPPORTED, header(1, 3, 42, 1472, L4_START, 6).check(100, MTU)); // UDP (UFO)
    assertEquals(Verdict.UNSUPPORTED, header(1, 4, 74, 1428, 54, 16).check(100, MTU)); // TCPV6
    assertEquals(Verdict.UNSUPPORTED, header(1, 5, 42, 1472, L4_START, 6).check(100, MTU)); // UDP_L4
    assertEquals(Verdict.UNSUPPORTED, header(1, 0x81, 66, 1448, L4_START, 16).check(100, MTU)); // ECN
    assertEquals(Verdict.UNSUPPORTED, header(4, 0, 0, 0, 0, 0).check(100, MTU)); // RSC_INFO
    assertEquals(Verdict.UNSUPPORTED, header(0x80, 0, 0, 0, 0, 0).check(100, MTU));
  }

  @Test
  void check_aChecksumPositionPastTheFrameOrInsideTheEthernetHeader_isMalformed() {
    assertEquals(Verdict.MALFORMED, header(1, 0, 0, 0, L4_START, TCP_CHECK).check(L4_START + TCP_CHECK + 1, MTU));
    assertEquals(Verdict.MALFORMED, header(1, 0, 0, 0, 65_535, 65_535).check(100, MTU));
    assertEquals(Verdict.MALFORMED, header(1, 0, 0, 0, 13, 0).check(100, MTU));
    assertEquals(
        Verdict.CHECKSUM_VERIFIED, header(1, 0, 0, 0, L4_START, TCP_CHECK).check(L4_START + TCP_CHECK + 2, MTU));
  }

  @Test
  void check_aGsoFrameWithoutSegmentSizeOrPartialChecksumOrWithHeadersPastItsEnd_isMalformed() {
    assertEquals(Verdict.MALFORMED, header(1, 1, 66, 0, L4_START, TCP_CHECK).check(3000, MTU));
    assertEquals(Verdict.MALFORMED, header(0, 1, 66, 1448, 0, 0).check(3000, MTU));
    assertEquals(Verdict.MALFORMED, header(1, 1, 3001, 1448, L4_START, TCP_CHECK).check(3000, MTU));
  }
}
