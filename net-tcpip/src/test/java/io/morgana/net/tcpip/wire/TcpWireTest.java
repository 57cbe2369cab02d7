package io.morgana.net.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** The TCP segment flyweight and its options (RFC 9293 §3.1, RFC 7323, RFC 2018). */
class TcpWireTest {

  private static final int SRC = 0xc0000201; // 192.0.2.1
  private static final int DST = 0xc0000202; // 192.0.2.2

  /** The options of a SYN from Linux 6.x: MSS 1460, SACK permitted, timestamps, NOP, window scale 7. */
  private static final byte[] LINUX_SYN_OPTIONS = ByteBufUtil.decodeHexDump(
      "020405b4" + "0402080a" + "0001e240" + "00000000" + "01030307");

  @Example
  void rfc9293_3_1_linuxSynOptionsParseAndAreWrittenBackByteForByte() {
    TcpOptions o = new TcpOptions().parse(Unpooled.wrappedBuffer(LINUX_SYN_OPTIONS), 0, LINUX_SYN_OPTIONS.length);
    assertEquals(1460, o.mss());
    assertTrue(o.sackPermitted());
    assertTrue(o.hasTimestamps());
    assertEquals(123_456, o.timestampValue());
    assertEquals(0, o.timestampEcho());
    assertEquals(7, o.windowScale());
    assertFalse(o.malformed());
    assertEquals(LINUX_SYN_OPTIONS.length, o.length());
    ByteBuf out = Unpooled.buffer(40);
    assertEquals(20, o.write(out, 0));
    assertArrayEquals(LINUX_SYN_OPTIONS, ByteBufUtil.getBytes(out, 0, 20));
  }

  @Example
  void aSegmentWrittenWithEmitHeaderChecksAndVerifies() throws MalformedPacketException {
    byte[] data = "GET / HTTP/1.1\r\n".getBytes();
    TcpOptions o = new TcpOptions().timestamps(7, 9);
    int hl = TcpPacket.MIN_HEADER_LENGTH + o.length();
    ByteBuf b = Unpooled.buffer(hl + data.length).writerIndex(hl + data.length);
    o.write(b, TcpPacket.OPTIONS_OFFSET);
    b.setBytes(hl, data);
    TcpPacket.emitHeader(b, 0, 40000, 80, 0x80000000, 0xfffffff0, hl, TcpPacket.ACK | TcpPacket.PSH, 501, 0,
        hl + data.length, SRC, DST);
    TcpPacket p = new TcpPacket().wrap(b, 0, b.readableBytes()).check().verifyChecksum(SRC, DST);
    assertEquals(40000, p.sourcePort());
    assertEquals(80, p.destinationPort());
    assertEquals(0x80000000, p.sequence());
    assertEquals(0xfffffff0, p.acknowledgment());
    assertEquals(32, p.headerLength());
    assertTrue(p.has(TcpPacket.ACK) && p.has(TcpPacket.PSH) && !p.has(TcpPacket.SYN));
    assertEquals(501, p.window());
    assertEquals(data.length, p.payloadLength());
    assertEquals(data.length, p.sequenceLength());
    TcpOptions read = new TcpOptions().parse(p);
    assertEquals(7, read.timestampValue());
    assertEquals(9, read.timestampEcho());
    b.setByte(hl, 'g');
    assertThrows(MalformedPacketException.class, () -> p.verifyChecksum(SRC, DST), "one flipped data byte");
  }

  @Example
  void rfc9293_3_4_synAndFinTakeOneSequenceNumberEach() throws MalformedPacketException {
    ByteBuf b = Unpooled.buffer(20).writerIndex(20);
    TcpPacket.emitHeader(b, 0, 1, 2, 0, 0, 20, TcpPacket.SYN | TcpPacket.FIN, 0, 0, 20, SRC, DST);
    assertEquals(2, new TcpPacket().wrap(b, 0, 20).check().sequenceLength());
  }

  @Example
  void aDataOffsetBelowFiveOrPastTheSegmentIsRefused() {
    ByteBuf b = Unpooled.buffer(24).writerIndex(24);
    b.setByte(TcpPacket.DATA_OFFSET_OFFSET, 4 << 4);
    MalformedPacketException e = assertThrows(MalformedPacketException.class, () -> new TcpPacket().wrap(b, 0, 24).check());
    assertEquals(MalformedPacketException.Reason.BAD_HEADER_LENGTH, e.reason());
    b.setByte(TcpPacket.DATA_OFFSET_OFFSET, 7 << 4); // 28 bytes of header in 24
    assertThrows(MalformedPacketException.class, () -> new TcpPacket().wrap(b, 0, 24).check());
    assertEquals(MalformedPacketException.Reason.TRUNCATED,
        assertThrows(MalformedPacketException.class, () -> new TcpPacket().wrap(b, 0, 19).check()).reason());
  }

  @Example
  void rfc9293_3_1_anOptionOfLengthZeroEndsParsingKeepingWhatCameBefore() {
    byte[] o = ByteBufUtil.decodeHexDump("020405b4" + "0800" + "0000");
    TcpOptions t = new TcpOptions().parse(Unpooled.wrappedBuffer(o), 0, o.length);
    assertEquals(1460, t.mss());
    assertFalse(t.hasTimestamps());
    assertTrue(t.malformed());
  }

  @Example
  void anOptionReachingPastTheHeaderIsMalformed() {
    byte[] o = ByteBufUtil.decodeHexDump("01" + "080a0000");
    TcpOptions t = new TcpOptions().parse(Unpooled.wrappedBuffer(o), 0, o.length);
    assertTrue(t.malformed());
    assertFalse(t.hasTimestamps());
  }

  @Example
  void aKnownOptionWithTheWrongLengthIsIgnoredAsLinuxDoes() {
    byte[] o = ByteBufUtil.decodeHexDump("020305" + "010303" + "0e" + "00"); // MSS of length 3, WS 14
    TcpOptions t = new TcpOptions().parse(Unpooled.wrappedBuffer(o), 0, o.length);
    assertEquals(TcpOptions.ABSENT, t.mss());
    assertEquals(14, t.windowScale());
    assertFalse(t.malformed());
  }

  @Example
  void rfc7323_2_3_aWindowScaleAboveFourteenIsUsedAsFourteen() {
    byte[] o = ByteBufUtil.decodeHexDump("01030320");
    assertEquals(14, new TcpOptions().parse(Unpooled.wrappedBuffer(o), 0, o.length).windowScale());
  }

  @Example
  void rfc2018_3_sackBlocksBesideTimestampsAreLimitedToThree() {
    TcpOptions t = new TcpOptions().timestamps(1, 2);
    for (int i = 0; i < 4; i++) {
      t.addSackBlock(i * 100, i * 100 + 50);
    }
    assertEquals(40, t.length());
    ByteBuf b = Unpooled.buffer(40);
    t.write(b, 0);
    TcpOptions read = new TcpOptions().parse(b, 0, 40);
    assertEquals(3, read.sackBlocks());
    assertEquals(200, read.sackLeft(2));
    assertEquals(250, read.sackRight(2));
    assertThrows(IllegalStateException.class, () -> t.addSackBlock(1, 2));
  }

  @Provide
  Arbitrary<TcpOptions> options() {
    return Arbitraries.integers().between(0, 63).flatMap(mask ->
        Arbitraries.integers().list().ofSize(10).map(r -> {
          TcpOptions o = new TcpOptions();
          if ((mask & 1) != 0) {
            o.mss(r.get(0) & 0xffff);
          }
          if ((mask & 2) != 0) {
            o.windowScale(Math.floorMod(r.get(1), 15));
          }
          if ((mask & 4) != 0) {
            o.sackPermitted(true);
          }
          if ((mask & 8) != 0) {
            o.timestamps(r.get(2), r.get(3));
          }
          int blocks = (mask >>> 4) & 3;
          for (int i = 0; i < blocks; i++) {
            o.addSackBlock(r.get(4 + 2 * i), r.get(5 + 2 * i));
          }
          return o;
        }));
  }

  @Property
  void optionsWrittenAreReadBackTheSame(@ForAll("options") TcpOptions o) {
    int n = o.length();
    assertEquals(0, n % 4, "options are padded to 32 bits");
    assertTrue(n <= TcpOptions.MAX_LENGTH);
    ByteBuf b = Unpooled.buffer(n);
    assertEquals(n, o.write(b, 0));
    TcpOptions r = new TcpOptions().parse(b, 0, n);
    assertEquals(o.mss(), r.mss());
    assertEquals(o.windowScale(), r.windowScale());
    assertEquals(o.sackPermitted(), r.sackPermitted());
    assertEquals(o.hasTimestamps(), r.hasTimestamps());
    assertEquals(o.timestampValue(), r.timestampValue());
    assertEquals(o.timestampEcho(), r.timestampEcho());
    assertFalse(r.malformed());
    // SACK blocks that do not fit beside the other options are left out, first ones kept.
    assertTrue(r.sackBlocks() <= o.sackBlocks());
    assertTrue(r.sackBlocks() > 0 || o.sackBlocks() == 0 || n > TcpOptions.MAX_LENGTH - 12);
    for (int i = 0; i < r.sackBlocks(); i++) {
      assertEquals(o.sackLeft(i), r.sackLeft(i));
      assertEquals(o.sackRight(i), r.sackRight(i));
    }
  }

  @Property
  void anyBytesParseOrThrowOnlyMalformedPacketException(@ForAll @Size(max = 80) byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    TcpPacket p = new TcpPacket().wrap(b, 0, bytes.length);
    try {
      p.check();
    } catch (MalformedPacketException e) {
      return;
    }
    TcpOptions o = new TcpOptions().parse(p);
    assertTrue(o.sackBlocks() <= TcpOptions.MAX_SACK_BLOCKS);
    assertTrue(o.windowScale() <= TcpOptions.MAX_WINDOW_SCALE);
    assertTrue(p.payloadLength() >= 0);
  }
}
