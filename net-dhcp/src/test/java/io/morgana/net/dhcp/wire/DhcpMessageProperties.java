package io.morgana.net.dhcp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips, and "any bytes parse or throw MalformedPacketException". */
class DhcpMessageProperties {

  @Provide
  Arbitrary<Ipv4Address> addresses() {
    return Arbitraries.integers().map(Ipv4Address::of);
  }

  @Provide
  Arbitrary<DhcpOptions> options() {
    Arbitrary<MessageType> type = Arbitraries.of(MessageType.class);
    Arbitrary<List<Ipv4Address>> dns = addresses().list().ofMaxSize(4);
    Arbitrary<Long> lease = Arbitraries.longs().between(0, 0xffff_ffffL);
    Arbitrary<Optional<String>> name = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(300).optional();
    Arbitrary<byte[]> unknown = Arbitraries.bytes().array(byte[].class).ofMaxSize(700);
    Arbitrary<Integer> unknownCode = Arbitraries.integers().between(128, 254).filter(c -> c != 121);
    return Combinators.combine(type, dns, lease, name, unknown, unknownCode, addresses())
        .as((t, d, l, n, u, c, a) -> {
          DhcpOptions.Builder b = DhcpOptions.builder().messageType(t).dnsServers(d).leaseTime(l).serverId(a);
          n.ifPresent(b::hostName);
          b.raw(c, u);
          return b.build();
        });
  }

  @Provide
  Arbitrary<DhcpMessage> messages() {
    return Combinators.combine(
            Arbitraries.of(1, 2), Arbitraries.integers(), Arbitraries.integers().between(0, 0xffff), Arbitraries.of(true, false),
            addresses(), addresses(), Arbitraries.longs().between(0, 0xffff_ffff_ffffL).map(MacAddress::of), options())
        .as((op, xid, secs, bc, ci, yi, mac, o) -> new DhcpMessage(op, 0, xid, secs, bc, ci, yi, Ipv4Address.ANY, Ipv4Address.ANY, mac, o));
  }

  @Property
  void emitThenParse_isIdentity(@ForAll("messages") DhcpMessage m) throws Exception {
    ByteBuf b = Unpooled.buffer();
    m.emit(b);
    assertEquals(m.encodedLength(), b.readableBytes());
    assertEquals(m, DhcpMessage.parse(b));
  }

  @Property
  void anyBytes_parseOrMalformed(@ForAll @Size(max = 800) byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      DhcpMessage.parse(b);
    } catch (MalformedPacketException expected) {
      // the only failure allowed
    }
  }

  @Property
  void anyOptionsAfterAValidHeader_parseOrMalformed(@ForAll @Size(max = 600) byte[] options, @ForAll boolean typed) {
    ByteBuf b = DhcpMessageTest.fixed(2, 1);
    if (typed) {
      b.writeBytes(new byte[] {53, 1, 2});
    }
    b.writeBytes(options);
    try {
      DhcpMessage.parse(b);
    } catch (MalformedPacketException expected) {
      // the only failure allowed
    }
  }

  @Property
  void mutatedMessage_parseOrMalformed_andWhatParsesRoundTrips(
      @ForAll("messages") DhcpMessage m, @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 100_000) Integer> flips)
      throws Exception {
    ByteBuf b = Unpooled.buffer();
    m.emit(b);
    int n = b.readableBytes();
    for (int f : flips) {
      int at = f % n;
      b.setByte(at, b.getByte(at) ^ (1 << (f % 8)));
    }
    if (flips.getFirst() % 3 == 0) {
      b.writerIndex(flips.getFirst() % n); // truncated too
    }
    DhcpMessage parsed;
    try {
      parsed = DhcpMessage.parse(b);
    } catch (MalformedPacketException expected) {
      return;
    }
    ByteBuf again = Unpooled.buffer();
    parsed.emit(again);
    assertEquals(parsed, DhcpMessage.parse(again));
  }
}
