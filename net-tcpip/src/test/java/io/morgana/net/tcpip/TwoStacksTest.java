package io.morgana.net.tcpip;

import io.morgana.net.tcpip.arp.ArpCounter;
import io.morgana.net.tcpip.icmp.IcmpCounter;
import io.morgana.net.tcpip.ipv4.Ipv4Counter;
import io.morgana.net.tcpip.udp.UdpCounter;
import static io.morgana.net.tcpip.Harness.bytes;
import static io.morgana.net.tcpip.Harness.ip;
import static io.morgana.net.tcpip.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Icmp;
import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.api.Ipv4Cidr;
import io.morgana.api.MacAddress;
import io.morgana.api.Udp;
import io.morgana.net.tcpip.arp.ArpLayer;
import io.morgana.net.tcpip.icmp.Icmpv4Layer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two stacks on the in-memory switch, A = 192.0.2.2/24 and B = 192.0.2.3/24, on virtual time. */
class TwoStacksTest {

  private Harness h;
  private TcpipStack a;
  private TcpipStack b;
  private final Ipv4Address addrA = ip("192.0.2.2");
  private final Ipv4Address addrB = ip("192.0.2.3");

  record Datagram(Ipv4Address source, int sourcePort, Ipv4Address destination, int destinationPort, byte[] data) {}

  record Message(Ipv4Address source, int type, int code, byte[] body) {}

  @BeforeEach
  void setUp() {
    h = new Harness();
    a = h.stack("192.0.2.2/24", null);
    b = h.stack("192.0.2.3/24", null);
    h.run();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private List<Datagram> collect(TcpipStack s, int port) {
    List<Datagram> got = new ArrayList<>();
    s.udp().listen(port, (src, sport, dst, dport, payload) ->
        got.add(new Datagram(src, sport, dst, dport, bytes(payload))));
    return got;
  }

  private List<Message> collectIcmp(TcpipStack s) {
    List<Message> got = new ArrayList<>();
    s.icmp().listen((src, type, code, body) -> got.add(new Message(src, type, code, bytes(body))));
    return got;
  }

  private static byte[] echoBody(int id, int seq, byte[] data) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(id).writeShort(seq).writeBytes(data);
    return bytes(b);
  }

  @Test
  void rfc826_resolvesPeerAndBothSidesCacheIt() throws Exception {
    CompletableFuture<MacAddress> mac = a.arp().query(addrB).toCompletableFuture();
    h.run();
    assertEquals(b.ethernet().mac(), mac.get());
    assertEquals(b.ethernet().mac(), a.arp().lookup(addrB).orElseThrow());
    // RFC 826: B learnt A from the request addressed to it.
    assertEquals(a.ethernet().mac(), b.arp().lookup(addrA).orElseThrow());
    assertEquals(1, a.stats().get(ArpCounter.TX_REQUESTS));
    assertEquals(1, b.stats().get(ArpCounter.TX_REPLIES));
  }

  @Test
  void rfc5227_announcesEachAddressAtStartTwice() {
    // setUp ran the start: one announcement each at once, the second 2 s later.
    assertEquals(1, a.stats().get(ArpCounter.TX_ANNOUNCEMENTS));
    h.advance(Duration.ofSeconds(2));
    assertEquals(ArpLayer.ANNOUNCE_NUM, a.stats().get(ArpCounter.TX_ANNOUNCEMENTS));
    h.advance(Duration.ofSeconds(10));
    assertEquals(ArpLayer.ANNOUNCE_NUM, a.stats().get(ArpCounter.TX_ANNOUNCEMENTS));
    // An announcement is not addressed to B: it learns nothing from it (no entry existed).
    assertTrue(b.arp().lookup(addrA).isEmpty());
  }

  @Test
  void rfc792_echoReplyCarriesTheRequestPayloadExactly() {
    List<Message> got = collectIcmp(a);
    byte[] body = echoBody(0x1234, 7, pattern(56, 1));
    a.icmp().write(addrB, Icmp.TYPE_ECHO_REQUEST, 0, Unpooled.wrappedBuffer(body));
    h.run();
    assertEquals(List.of(Icmp.TYPE_ECHO_REPLY), got.stream().map(Message::type).toList());
    assertArrayEquals(body, got.getFirst().body());
    assertEquals(addrB, got.getFirst().source());
    assertEquals(1, b.stats().get(IcmpCounter.TX_ECHO_REPLIES));
  }

  @Test
  void rfc791_60kPingIsFragmentedReassembledAndAnsweredExactly() {
    List<Message> got = collectIcmp(a);
    byte[] body = echoBody(1, 1, pattern(60_000, 2));
    a.icmp().write(addrB, Icmp.TYPE_ECHO_REQUEST, 0, Unpooled.wrappedBuffer(body));
    h.run();
    assertEquals(1, got.size());
    assertEquals(Icmp.TYPE_ECHO_REPLY, got.getFirst().type());
    assertArrayEquals(body, got.getFirst().body());
    int fragments = (60_000 + 8 + 1479) / 1480;
    assertEquals(fragments, a.stats().get(Ipv4Counter.TX_FRAGMENTS));
    assertEquals(fragments, b.stats().get(Ipv4Counter.RX_FRAGMENTS));
    assertEquals(1, b.stats().get(Ipv4Counter.RX_REASSEMBLED));
    assertEquals(1, a.stats().get(Ipv4Counter.RX_REASSEMBLED));
    assertEquals(0, a.ip().reassembliesInProgress());
  }

  @Test
  void rfc768_datagramsBothWaysWithEphemeralSourcePort() {
    List<Datagram> atB = collect(b, 7);
    b.udp().listen(9, (src, sport, dst, dport, payload) ->
        b.udp().write(src, sport, dport, payload.retain()));
    List<Datagram> atA = collect(a, 5000);
    a.udp().write(addrB, 7, 0, h.payload(a, "to B".getBytes()));
    a.udp().write(addrB, 9, 5000, h.payload(a, "echo me".getBytes()));
    h.run();
    assertEquals(1, atB.size());
    Datagram d = atB.getFirst();
    assertEquals(addrA, d.source());
    assertTrue(d.sourcePort() >= 49_152 && d.sourcePort() <= 65_535, "ephemeral port " + d.sourcePort());
    assertArrayEquals("to B".getBytes(), d.data());
    assertEquals(1, atA.size());
    assertEquals(new Datagram(addrB, 9, addrA, 5000, null).destinationPort(), atA.getFirst().destinationPort());
    assertArrayEquals("echo me".getBytes(), atA.getFirst().data());
    assertEquals(9, atA.getFirst().sourcePort());
  }

  @Test
  void rfc768_writeFromAnotherThreadIsHandedToTheLoop() throws Exception {
    List<Datagram> atB = collect(b, 7);
    Thread t = Thread.ofVirtual().start(() -> a.udp().write(addrB, 7, 1234, Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    t.join();
    h.run();
    assertEquals(1, atB.size());
    assertArrayEquals(new byte[] {1, 2, 3}, atB.getFirst().data());
  }

  @Test
  void rfc768_largestDatagramOf65507BytesArrivesWhole() {
    List<Datagram> atB = collect(b, 7);
    byte[] data = pattern(Udp.MAX_PAYLOAD, 3);
    assertTrue(a.udp().write(addrB, 7, 4000, Unpooled.wrappedBuffer(data)));
    h.run();
    assertEquals(1, atB.size());
    assertArrayEquals(data, atB.getFirst().data());
  }

  @Test
  void rfc768_datagramOverMaximumIsRefused() {
    assertFalse(a.udp().write(addrB, 7, 4000, Unpooled.wrappedBuffer(new byte[Udp.MAX_PAYLOAD + 1])));
    h.run();
    assertEquals(1, a.stats().get(UdpCounter.TX_DROP_TOO_BIG));
  }

  @Test
  void rfc768_portsOutsideSixteenBitsAreRefusedAtOnceAndCounted() {
    ByteBuf p1 = Unpooled.wrappedBuffer(new byte[1]);
    ByteBuf p2 = Unpooled.wrappedBuffer(new byte[1]);
    assertFalse(a.udp().write(addrB, 65_536, 4000, p1));
    assertFalse(a.udp().write(addrB, 7, -1, p2));
    assertEquals(0, p1.refCnt(), "a refused payload is released");
    assertEquals(0, p2.refCnt(), "a refused payload is released");
    h.run();
    assertEquals(2, a.stats().get(UdpCounter.TX_DROP_BAD_PORT));
    assertEquals(0, a.stats().get(UdpCounter.TX_DROP_TOO_BIG));
    assertEquals(0, a.stats().get(UdpCounter.TX_DATAGRAMS));
  }

  @Test
  void rfc1122_3_2_2_1_portUnreachableIsDeliveredToTheSendersUdp() {
    List<String> errors = new ArrayList<>();
    a.udp().listenErrors(4444, (remote, rport, lport, type, code) ->
        errors.add(remote + ":" + rport + " from " + lport + " type " + type + " code " + code));
    a.udp().write(addrB, 9999, 4444, Unpooled.wrappedBuffer("anyone?".getBytes()));
    h.run();
    assertEquals(List.of("192.0.2.3:9999 from 4444 type 3 code 3"), errors);
    assertEquals(1, b.stats().get(UdpCounter.RX_DROP_NO_LISTENER));
    assertEquals(1, b.stats().get(Ipv4Counter.TX_ICMP_ERRORS));
    assertEquals(1, a.stats().get(UdpCounter.RX_ICMP_ERRORS));
  }

  @Test
  void rfc792_errorsQuoteTheIpHeaderAndEightBytes() {
    // A transport of a protocol b does not speak: b answers protocol unreachable, and the error
    // reaches our transport through the one registration path, quote and all.
    List<Message> got = new ArrayList<>();
    a.ip().register(new io.morgana.net.tcpip.ip.Transport() {
      @Override
      public int protocol() {
        return 253; // RFC 3692: for experimentation
      }

      @Override
      public void receive(io.morgana.net.tcpip.wire.Ipv4Packet header, io.netty.buffer.ByteBuf payload, int rxFlags, long now) {}

      @Override
      public void onIcmpError(int type, int code, int rest, io.morgana.net.tcpip.wire.Ipv4Packet quoted, long now) {
        got.add(new Message(null, type, code, bytes(quoted.buffer().slice(quoted.offset(),
            quoted.headerLength() + quoted.availablePayloadLength()))));
      }
    });
    byte[] payload = pattern(100, 4);
    payload[0] = 0x11;
    payload[1] = 0x5c; // 4444
    payload[2] = 0x27;
    payload[3] = 0x0f; // 9999
    a.ip().write(addrB, 253, Unpooled.wrappedBuffer(payload));
    h.run();
    assertEquals(1, got.size());
    assertEquals(3, got.getFirst().type());
    assertEquals(2, got.getFirst().code());
    byte[] quote = got.getFirst().body();
    assertEquals(20 + 8, quote.length);
    assertEquals(0x45, quote[0] & 0xff);
    assertEquals(253, quote[9] & 0xff);
    assertEquals(4444, ((quote[20] & 0xff) << 8) | (quote[21] & 0xff));
    assertEquals(9999, ((quote[22] & 0xff) << 8) | (quote[23] & 0xff));
  }

  @Test
  void rfc1122_3_2_2_errorGenerationIsRateLimitedPerDestinationAsLinux() {
    // Linux (icmp_ratelimit 1000 ms, burst 6 per peer): a burst of 50 gets 6 errors; a second
    // later one more token has come.
    for (int i = 0; i < 50; i++) {
      a.udp().write(addrB, 9999, 4444, Unpooled.wrappedBuffer(new byte[] {(byte) i}));
    }
    h.run();
    assertEquals(50, b.stats().get(UdpCounter.RX_DROP_NO_LISTENER));
    assertEquals(6, b.stats().get(Ipv4Counter.TX_ICMP_ERRORS));
    assertEquals(50 - 6, b.stats().get(Ipv4Counter.TX_ICMP_ERRORS_RATE_LIMITED));
    h.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 50; i++) {
      a.udp().write(addrB, 9999, 4444, Unpooled.wrappedBuffer(new byte[] {(byte) i}));
    }
    h.run();
    assertEquals(7, b.stats().get(Ipv4Counter.TX_ICMP_ERRORS));
  }

  @Test
  void rfc1122_3_2_2_noErrorForBroadcastToClosedPort() {
    a.udp().write(ip("192.0.2.255"), 9999, 4444, Unpooled.wrappedBuffer(new byte[] {1}));
    a.udp().write(Ipv4Address.BROADCAST, 9999, 4444, Unpooled.wrappedBuffer(new byte[] {1}));
    h.run();
    assertEquals(2, b.stats().get(UdpCounter.RX_DROP_NO_LISTENER));
    assertEquals(0, b.stats().get(Ipv4Counter.TX_ICMP_ERRORS));
  }

  @Test
  void rfc1122_3_2_1_3_limitedAndDirectedBroadcastsAreReceived() {
    List<Datagram> atB = collect(b, 67);
    a.udp().write(ip("192.0.2.255"), 67, 68, Unpooled.wrappedBuffer(new byte[] {1}));
    a.udp().write(Ipv4Address.BROADCAST, 67, 68, Unpooled.wrappedBuffer(new byte[] {2}));
    h.run();
    assertEquals(List.of(ip("192.0.2.255"), Ipv4Address.BROADCAST), atB.stream().map(Datagram::destination).toList());
    assertEquals(0, a.stats().get(ArpCounter.TX_REQUESTS), "broadcasts need no resolution");
  }

  @Test
  void rfc1122_2_3_2_2_unresolvedNextHopDropsItsQueueWithACount() {
    Ipv4Address nobody = ip("192.0.2.99");
    CompletableFuture<MacAddress> q = a.arp().query(nobody).toCompletableFuture();
    for (int i = 0; i < 5; i++) {
      assertTrue(a.udp().write(nobody, 7, 4000, Unpooled.wrappedBuffer(new byte[] {(byte) i})));
    }
    h.run();
    assertEquals(5, a.arp().queuedPackets());
    assertEquals(1, a.stats().get(ArpCounter.TX_REQUESTS));
    h.advance(Duration.ofMillis(999));
    assertEquals(1, a.stats().get(ArpCounter.TX_REQUESTS), "at most one request per second per address");
    h.advance(Duration.ofMillis(1));
    assertEquals(2, a.stats().get(ArpCounter.TX_REQUESTS));
    h.advance(Duration.ofSeconds(5));
    assertEquals(ArpLayer.MAX_REQUESTS, a.stats().get(ArpCounter.TX_REQUESTS));
    assertEquals(1, a.stats().get(ArpCounter.RESOLUTION_FAILURES));
    assertEquals(5, a.stats().get(ArpCounter.QUEUE_DROP_UNRESOLVED));
    assertEquals(0, a.arp().queuedPackets());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, q::get);
    assertTrue(e.getCause() instanceof TimeoutException, e.toString());
  }

  @Test
  void rfc1122_2_3_2_2_queueAwaitingResolutionIsBounded() {
    Ipv4Address nobody = ip("192.0.2.99");
    int accepted = 0;
    for (int i = 0; i < ArpLayer.MAX_QUEUED_PER_ADDRESS + 10; i++) {
      if (a.ip().send(nobody, Ip.PROTOCOL_UDP, Unpooled.wrappedBuffer(new byte[8]), 0, h.loop.nowNanos())) {
        accepted++;
      }
    }
    assertEquals(ArpLayer.MAX_QUEUED_PER_ADDRESS, accepted);
    assertEquals(10, a.stats().get(ArpCounter.QUEUE_DROP_FULL));
  }

  @Test
  void rfc826_queuedPacketsGoOutOnceResolved() {
    List<Datagram> atB = collect(b, 7);
    for (int i = 0; i < 3; i++) {
      a.udp().write(addrB, 7, 4000, Unpooled.wrappedBuffer(new byte[] {(byte) i}));
    }
    h.run();
    assertEquals(3, atB.size());
    assertEquals(List.of(0, 1, 2), atB.stream().map(d -> (int) d.data()[0]).toList());
  }

  @Test
  void arpEntriesExpireAndAreResolvedAgain() {
    List<Datagram> atB = collect(b, 7);
    a.udp().write(addrB, 7, 4000, Unpooled.wrappedBuffer(new byte[] {1}));
    h.run();
    // B's second announcement (t = 2 s) refreshed A's entry: it lives until 62 s.
    h.advance(Duration.ofNanos(ArpLayer.ENTRY_LIFETIME_NANOS));
    assertTrue(a.arp().lookup(addrB).isPresent());
    h.advance(Duration.ofSeconds(2));
    assertTrue(a.arp().lookup(addrB).isEmpty());
    a.udp().write(addrB, 7, 4000, Unpooled.wrappedBuffer(new byte[] {2}));
    h.run();
    assertEquals(2, atB.size());
    assertEquals(2, a.stats().get(ArpCounter.TX_REQUESTS));
  }

  @Test
  void rfc791_dontFragmentDatagramOverMtuIsRefusedAndCounted() {
    boolean sent = a.ip().write(addrB, Ip.PROTOCOL_UDP, Unpooled.wrappedBuffer(new byte[3000]), Ip.DONT_FRAGMENT);
    assertFalse(sent);
    h.run();
    assertEquals(1, a.stats().get(Ipv4Counter.TX_DROP_FRAGMENTATION_NEEDED));
    assertTrue(a.ip().write(addrB, Ip.PROTOCOL_UDP, Unpooled.wrappedBuffer(new byte[1480]), Ip.DONT_FRAGMENT));
  }

  @Test
  void rfc1122_3_3_1_offLinkDestinationsGoToTheGateway() {
    TcpipStack c = h.stack("192.0.2.4/24", "192.0.2.3");
    h.run();
    c.udp().write(ip("198.51.100.7"), 7, 4000, Unpooled.wrappedBuffer(new byte[] {1}));
    h.run();
    // B is the gateway: it received the frame (its MAC) but forwards nothing.
    assertEquals(1, b.stats().get(Ipv4Counter.RX_DROP_NOT_FOR_US));
    assertEquals(c.ethernet().mac(), b.arp().lookup(ip("192.0.2.4")).orElseThrow());
  }

  @Test
  void rfc1122_3_3_1_offLinkWithoutGatewayHasNoRoute() {
    assertFalse(a.ip().send(ip("198.51.100.7"), Ip.PROTOCOL_UDP, Unpooled.wrappedBuffer(new byte[1]), 0, 0));
    assertEquals(1, a.stats().get(Ipv4Counter.TX_DROP_NO_ROUTE));
  }

  @Test
  void rfc792_protocolUnreachableForUnknownProtocol() {
    List<Message> got = collectIcmp(a);
    a.ip().write(addrB, 99, Unpooled.wrappedBuffer(new byte[16]));
    h.run();
    assertEquals(1, b.stats().get(Ipv4Counter.RX_DROP_UNKNOWN_PROTOCOL));
    assertEquals(1, got.size(), "no transport takes protocol 99's errors: the app sees it");
    assertEquals(Icmp.TYPE_DESTINATION_UNREACHABLE, got.getFirst().type());
    assertEquals(2, got.getFirst().code());
  }

  @Test
  void ipListenDeliversOtherProtocolsToApplications() {
    List<String> got = new ArrayList<>();
    b.ip().listen(253, (src, dst, payload) -> got.add(src + ">" + dst + ":" + payload.readableBytes()));
    a.ip().write(addrB, 253, Unpooled.wrappedBuffer(new byte[5]));
    h.run();
    assertEquals(List.of("192.0.2.2>192.0.2.3:5"), got);
  }

  @Test
  void statsCountTraffic() {
    a.udp().write(addrB, 9999, 4444, Unpooled.wrappedBuffer(new byte[] {1}));
    h.run();
    TcpipStats s = a.stats();
    assertEquals(1, s.get(UdpCounter.TX_DATAGRAMS));
    assertTrue(s.toString().contains("udp.TX_DATAGRAMS=1"), s.toString());
    assertEquals(1L, s.nonZero().get("udp.TX_DATAGRAMS"));
  }

  @Test
  void rfc1122_3_2_1_3_unconfiguredStackSendsLimitedBroadcastFromZeroAndReceivesUnicast() {
    // What a DHCP client needs before it has an address.
    TcpipStack c = h.stack(null, null);
    h.run();
    assertTrue(c.ip().address().isEmpty());
    List<Datagram> atB = collect(b, 67);
    List<Datagram> atC = collect(c, 68);
    assertTrue(c.udp().write(Ipv4Address.BROADCAST, 67, 68, Unpooled.wrappedBuffer(new byte[] {1})));
    h.run();
    assertEquals(1, atB.size());
    assertEquals(Ipv4Address.ANY, atB.getFirst().source());
    // B answers to the limited broadcast, as a DHCP server may before the client has an address.
    b.udp().write(Ipv4Address.BROADCAST, 68, 67, Unpooled.wrappedBuffer(new byte[] {2}));
    h.run();
    assertEquals(1, atC.size());
    c.ip().configure(Ipv4Cidr.parse("192.0.2.9/24"), null);
    h.run();
    assertEquals(1, c.stats().get(ArpCounter.TX_ANNOUNCEMENTS));
    List<Datagram> atB7 = collect(b, 7);
    assertTrue(c.udp().write(addrB, 7, 68, Unpooled.wrappedBuffer(new byte[] {3})));
    h.run();
    assertEquals(ip("192.0.2.9"), atB7.getFirst().source());
  }

  @Test
  void rfc1122_3_2_1_3_unconfiguredStackRefusesUnicastSends() {
    TcpipStack c = h.stack(null, null);
    h.run();
    assertFalse(c.ip().send(addrB, Ip.PROTOCOL_UDP, Unpooled.wrappedBuffer(new byte[1]), 0, h.loop.nowNanos()));
    assertEquals(1, c.stats().get(Ipv4Counter.TX_DROP_UNCONFIGURED));
  }

  @Test
  void rfc1122_3_2_1_3_datagramsToOurOwnAddressAreDeliveredLocally() {
    List<Datagram> atA = collect(a, 7);
    a.udp().write(addrA, 7, 4000, Unpooled.wrappedBuffer(pattern(3000, 5)));
    h.run();
    assertEquals(1, atA.size());
    assertArrayEquals(pattern(3000, 5), atA.getFirst().data());
    assertEquals(0, a.stats().get(ArpCounter.TX_REQUESTS));
    assertEquals(0, a.stats().get(Ipv4Counter.TX_FRAGMENTS));
  }
}
