package io.morgana.net.tcpip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** parse(emit(h)) == h for every header, and parsing any bytes throws nothing but MalformedPacketException. */
class WireProperties {

  @Provide
  Arbitrary<MacAddress> macs() {
    return Arbitraries.longs().between(0, 0xffff_ffff_ffffL).map(MacAddress::of);
  }

  @Provide
  Arbitrary<Ipv4Address> ipv4s() {
    return Arbitraries.integers().map(Ipv4Address::of);
  }

  @Provide
  Arbitrary<EthernetHeader> ethernetHeaders() {
    return Combinators.combine(macs(), macs(), Arbitraries.integers().between(0, 0xffff)).as(EthernetHeader::new);
  }

  @Provide
  Arbitrary<ArpHeader> arpHeaders() {
    return Combinators.combine(Arbitraries.integers().between(0, 0xffff), macs(), ipv4s(), macs(), ipv4s())
        .as(ArpHeader::new);
  }

  @Provide
  Arbitrary<Ipv4Header> ipv4Headers() {
    Arbitrary<Integer> headerLength = Arbitraries.integers().between(5, 15).map(i -> i * 4);
    return Combinators.combine(
            Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(0, 0xffff),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 0x1fff).map(i -> i * 8),
            Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(0, 255),
            headerLength)
        .flatAs((tos, id, df, mf, off, ttl, proto, hl) ->
            Combinators.combine(ipv4s(), ipv4s(), Arbitraries.integers().between(hl, hl + 64))
                .as((s, d, total) -> new Ipv4Header(tos, total, id, df, mf, off, ttl, proto, s, d, hl)));
  }

  @Provide
  Arbitrary<IcmpHeader> icmpHeaders() {
    return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
        Arbitraries.integers()).as(IcmpHeader::new);
  }

  @Property
  void ethernetRoundTrip(@ForAll("ethernetHeaders") EthernetHeader h) throws Exception {
    ByteBuf b = Unpooled.buffer(14).writerIndex(14);
    h.emit(b, 0);
    assertEquals(h, EthernetHeader.parse(b));
  }

  @Property
  void arpRoundTrip(@ForAll("arpHeaders") ArpHeader h) throws Exception {
    ByteBuf b = Unpooled.buffer(28).writerIndex(28);
    h.emit(b, 0);
    assertEquals(h, ArpHeader.parse(b));
  }

  @Property
  void ipv4RoundTrip(@ForAll("ipv4Headers") Ipv4Header h) throws Exception {
    ByteBuf b = Unpooled.buffer(h.totalLength()).writerIndex(h.totalLength());
    h.emit(b, 0);
    assertEquals(h, Ipv4Header.parse(b));
  }

  @Property
  void icmpRoundTrip(@ForAll("icmpHeaders") IcmpHeader h, @ForAll @Size(max = 64) byte[] data) throws Exception {
    ByteBuf b = Unpooled.buffer(8 + data.length).writerIndex(8).writeBytes(data);
    h.emit(b, 0, data.length);
    assertEquals(h, IcmpHeader.parse(b));
  }

  @Property
  void udpRoundTrip(
      @ForAll @IntRange(max = 0xffff) int sport, @ForAll @IntRange(max = 0xffff) int dport,
      @ForAll @Size(max = 64) byte[] data, @ForAll("ipv4s") Ipv4Address src, @ForAll("ipv4s") Ipv4Address dst)
      throws Exception {
    UdpHeader h = new UdpHeader(sport, dport, 8 + data.length);
    ByteBuf b = Unpooled.buffer(8 + data.length).writerIndex(8).writeBytes(data);
    h.emit(b, 0, src, dst);
    assertEquals(h, UdpHeader.parse(b, src, dst));
    int sum = b.getUnsignedShort(UdpPacket.CHECKSUM_OFFSET);
    assertNotEquals(0, sum, "a computed checksum is never sent as 0 (RFC 768)");
  }

  /** Every parser, on any bytes: a value or MalformedPacketException, nothing else. */
  @Property(tries = 2000)
  void anyBytesParseOrThrowMalformed(@ForAll @Size(max = 80) byte[] bytes, @ForAll("ipv4s") Ipv4Address a) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    parseQuietly(() -> EthernetHeader.parse(b));
    parseQuietly(() -> ArpHeader.parse(b));
    parseQuietly(() -> Ipv4Header.parse(b));
    parseQuietly(() -> new Ipv4Packet().wrap(b, 0, bytes.length).checkHeader().availablePayloadLength());
    parseQuietly(() -> IcmpHeader.parse(b));
    parseQuietly(() -> UdpHeader.parse(b, a, a));
    parseQuietly(() -> new UdpPacket().wrap(b, 0, bytes.length).checkPorts().sourcePort());
  }

  /** IPv4 headers whose fields are mostly valid, then mutated: still only MalformedPacketException. */
  @Property(tries = 2000)
  void mutatedIpv4HeadersParseOrThrowMalformed(
      @ForAll("ipv4Headers") Ipv4Header h, @ForAll @IntRange(max = 127) int at, @ForAll byte value) {
    ByteBuf b = Unpooled.buffer(h.totalLength()).writerIndex(h.totalLength());
    h.emit(b, 0);
    if (at < b.writerIndex()) {
      b.setByte(at, value);
    }
    parseQuietly(() -> Ipv4Header.parse(b));
  }

  interface Parse {
    Object run() throws MalformedPacketException;
  }

  private static void parseQuietly(Parse p) {
    try {
      p.run();
    } catch (MalformedPacketException expected) {
      // the one allowed outcome besides a value
    }
  }
}
