package io.morgana.net.tcpip;

import io.morgana.net.tcpip.ipv4.Ipv4Counter;
import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ip;
import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The address rules of RFC 1122 §3.2.1.3 (which sources and destinations are valid, 127/8 never
 * on the wire) and the list of datagrams RFC 1122 §3.2.2 forbids ICMP errors about, against
 * frames written by hand. Each rule has a positive control, so that a test that sees nothing sent
 * cannot pass because nothing could have been sent.
 */
class AddressRulesTest {

  private static final int CLOSED_PORT = 9999;

  private DeterministicLoop loop;
  private TrackingAllocator alloc;
  private CaptureNetif netif;
  private TcpipStack stack;

  @BeforeEach
  void setUp() {
    loop = new DeterministicLoop();
    alloc = new TrackingAllocator();
    netif = new CaptureNetif(OUR_MAC, 1500);
    stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", "192.0.2.1"), alloc);
    loop.runUntilIdle();
    inject(Frames.arp(PEER_MAC, MacAddress.BROADCAST, new ArpHeader(1, PEER_MAC, PEER, MacAddress.ZERO, US)));
    netif.written.clear();
  }

  @AfterEach
  void tearDown() {
    stack.close();
    assertEquals(0, alloc.outstanding(), "buffers allocated by the stack and never released");
  }

  private void inject(byte[] frame) {
    ByteBuf b = Unpooled.wrappedBuffer(frame);
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    assertEquals(1, b.refCnt(), "the stack kept a borrowed frame");
    b.release();
    loop.runUntilIdle();
  }

  private static Ipv4Address ip(String s) {
    return Ipv4Address.parse(s);
  }

  private List<String> listen(int port) {
    List<String> got = new ArrayList<>();
    stack.udp().listen(port, (src, sport, dst, dport, payload) -> got.add(src + "->" + dst));
    return got;
  }

  // ---------------------------------------------------------------- RFC 1122 §3.2.1.3, receive

  @Test
  void rfc1122_3_2_1_3_unicastSourceIsDelivered_control() {
    List<String> got = listen(7);
    inject(Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 4000, 7, new byte[4]));
    assertEquals(List.of("192.0.2.1->192.0.2.2"), got);
  }

  @ParameterizedTest(name = "source {0}")
  @ValueSource(strings = {"255.255.255.255", "192.0.2.255", "224.0.0.1", "240.0.0.1"})
  void rfc1122_3_2_1_3_datagramFromASourceThatIsNoSingleHostIsDiscarded(String source) {
    List<String> got = listen(7);
    inject(Frames.udp(PEER_MAC, OUR_MAC, ip(source), US, 4000, 7, new byte[4]));
    inject(Frames.udp(PEER_MAC, OUR_MAC, ip(source), US, 4000, CLOSED_PORT, new byte[4]));
    assertEquals(List.of(), got);
    assertEquals(2, stack.stats().get(Ipv4Counter.RX_DROP_BAD_SOURCE));
    assertTrue(netif.written.isEmpty(), "nothing is answered");
  }

  @Test
  void rfc1122_3_2_1_3g_loopbackSourceFromTheWireIsDiscarded() {
    List<String> got = listen(7);
    inject(Frames.udp(PEER_MAC, OUR_MAC, ip("127.0.0.1"), US, 4000, 7, new byte[4]));
    inject(Frames.udp(PEER_MAC, OUR_MAC, ip("127.0.0.1"), US, 4000, CLOSED_PORT, new byte[4]));
    assertEquals(List.of(), got);
    assertEquals(2, stack.stats().get(Ipv4Counter.RX_DROP_LOOPBACK));
    assertTrue(netif.written.isEmpty(), "no port unreachable goes back to 127.0.0.1");
  }

  @Test
  void rfc1122_3_2_1_3g_loopbackDestinationFromTheWireIsDiscardedEvenWhenUnconfigured() {
    CaptureNetif other = new CaptureNetif(OUR_MAC, 1500);
    TcpipStack unconfigured = new TcpipStack(other, loop, Ipv4Config.UNCONFIGURED, alloc);
    try {
      loop.runUntilIdle();
      List<String> got = new ArrayList<>();
      unconfigured.udp().listen(68, (src, sport, dst, dport, payload) -> got.add(dst.toString()));
      for (String dst : List.of("127.0.0.1", "192.0.2.9")) {
        ByteBuf b = Unpooled.wrappedBuffer(Frames.udp(PEER_MAC, OUR_MAC, PEER, ip(dst), 67, 68, new byte[4]));
        unconfigured.ethernet().onFrame(b, loop.nowNanos(), 0);
        b.release();
      }
      loop.runUntilIdle();
      assertEquals(List.of("192.0.2.9"), got, "an unconfigured stack takes any unicast but 127/8");
      assertEquals(1, unconfigured.stats().get(Ipv4Counter.RX_DROP_LOOPBACK));
    } finally {
      unconfigured.close();
    }
  }

  // ---------------------------------------------------------------- RFC 1122 §3.2.1.3, send

  @Test
  void rfc1122_3_2_1_3g_loopbackDestinationIsRefusedAndNeverReachesTheGateway() {
    assertFalse(stack.udp().write(ip("127.0.0.1"), 7, 4000, Unpooled.wrappedBuffer(new byte[8])));
    assertFalse(stack.ip().write(ip("127.1.2.3"), Ip.PROTOCOL_UDP, Unpooled.wrappedBuffer(new byte[8])));
    assertFalse(stack.icmp().write(ip("127.0.0.1"), 8, 0, Unpooled.wrappedBuffer(new byte[8])));
    loop.runUntilIdle();
    assertEquals(3, stack.stats().get(Ipv4Counter.TX_DROP_LOOPBACK));
    assertTrue(netif.written.isEmpty(), "no frame and no ARP request for the gateway");
    assertEquals(0, stack.arp().queuedPackets());
    // control: an off-link destination does go to the gateway (an ARP request for 192.0.2.1's MAC is
    // not needed: it was learnt in setUp, so the datagram itself goes out)
    assertTrue(stack.udp().write(ip("198.51.100.7"), 7, 4000, Unpooled.wrappedBuffer(new byte[8])));
    loop.runUntilIdle();
    assertEquals(1, netif.written.size());
  }

  // ---------------------------------------------------------------- RFC 1122 §3.2.2, end to end

  @Test
  void rfc1122_3_2_2_unicastToAClosedPortGetsPortUnreachable_control() {
    inject(Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 4000, CLOSED_PORT, new byte[4]));
    assertEquals(1, netif.written.size());
    byte[] f = netif.written.getFirst();
    assertEquals(IcmpPacket.TYPE_DESTINATION_UNREACHABLE, f[34]);
    assertEquals(IcmpPacket.CODE_PORT_UNREACHABLE, f[35]);
  }

  @Test
  void rfc1122_3_2_2_noErrorAboutADatagramSentAsALinkLayerBroadcast() {
    inject(Frames.udp(PEER_MAC, MacAddress.BROADCAST, PEER, US, 4000, CLOSED_PORT, new byte[4]));
    inject(Frames.ipv4(PEER_MAC, MacAddress.BROADCAST, PEER, US, 99, 3, false, 0, new byte[8]));
    assertTrue(netif.written.isEmpty(), "neither port nor protocol unreachable");
    assertEquals(2, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED));
    assertEquals(0, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS));
  }

  @Test
  void rfc1122_3_2_2_noErrorAboutAReassembledDatagramWithALinkLayerBroadcastFragment() {
    byte[] dgram = Frames.udpDatagram(PEER, US, 4000, CLOSED_PORT, new byte[40]);
    inject(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 17, 77, true, 0, Arrays.copyOf(dgram, 24)));
    inject(Frames.ipv4(PEER_MAC, MacAddress.BROADCAST, PEER, US, 17, 77, false, 24,
        Arrays.copyOfRange(dgram, 24, dgram.length)));
    assertEquals(1, stack.stats().get(Ipv4Counter.RX_REASSEMBLED));
    assertTrue(netif.written.isEmpty());
    assertEquals(1, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED));
  }

  @Test
  void rfc1122_3_2_2_reassemblyTimeoutSendsTimeExceededOnlyForUnicastFrames() {
    byte[] dgram = Frames.udpDatagram(PEER, US, 4000, CLOSED_PORT, new byte[40]);
    inject(Frames.ipv4(PEER_MAC, MacAddress.BROADCAST, PEER, US, 17, 78, true, 0, Arrays.copyOf(dgram, 24)));
    loop.advance(java.time.Duration.ofSeconds(61));
    assertEquals(1, stack.stats().get(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
    assertEquals(List.of(), ipv4Frames(), "no time exceeded about a link-layer broadcast");
    // control: the same first fragment in a unicast frame does get time exceeded (RFC 792 code 1)
    inject(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 17, 79, true, 0, Arrays.copyOf(dgram, 24)));
    loop.advance(java.time.Duration.ofSeconds(61));
    assertEquals(2, stack.stats().get(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
    assertEquals(1, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS), "time exceeded about the unicast one");
    assertEquals(1, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED), "none about the broadcast one");
  }

  /** The IPv4 frames written (time passing also sends ARP: announcements, requests). */
  private List<byte[]> ipv4Frames() {
    return netif.written.stream().filter(f -> f[12] == 0x08 && f[13] == 0x00).toList();
  }

  @Test
  void rfc1122_3_2_2_linkLayerBroadcastDoesNotLeakIntoTheNextDatagram() {
    inject(Frames.udp(PEER_MAC, MacAddress.BROADCAST, PEER, US, 4000, CLOSED_PORT, new byte[4]));
    inject(Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 4000, CLOSED_PORT, new byte[4]));
    assertEquals(1, netif.written.size());
  }

  // ---------------------------------------------------------------- RFC 1122 §3.2.2, each rule

  /** An IPv4 datagram (no Ethernet header) from {@code src} to {@code dst} with the given payload. */
  private static Ipv4Packet datagram(String src, String dst, int protocol, int fragmentOffset, byte[] payload) {
    byte[] frame = Frames.ipv4(PEER_MAC, OUR_MAC, ip(src), ip(dst), protocol, 5, false, fragmentOffset, payload);
    byte[] d = Arrays.copyOfRange(frame, 14, frame.length);
    return new Ipv4Packet().wrap(Unpooled.wrappedBuffer(d), 0, d.length);
  }

  private void sendPortUnreachableAbout(Ipv4Packet original) {
    stack.ip().reportError(IcmpPacket.TYPE_DESTINATION_UNREACHABLE, IcmpPacket.CODE_PORT_UNREACHABLE, 0,
        original, 0, loop.nowNanos());
    loop.runUntilIdle();
  }

  @Test
  void rfc1122_3_2_2_errorAboutAnOrdinaryDatagramIsSent_control() {
    sendPortUnreachableAbout(datagram("192.0.2.1", "192.0.2.2", 17, 0, new byte[16]));
    assertEquals(1, netif.written.size());
    assertEquals(1, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS));
  }

  @ParameterizedTest(name = "source {0}")
  @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "255.255.255.255", "192.0.2.255", "224.0.0.5", "240.0.0.1"})
  void rfc1122_3_2_2_noErrorAboutASourceThatIsNoSingleHost(String source) {
    sendPortUnreachableAbout(datagram(source, "192.0.2.2", 17, 0, new byte[16]));
    assertTrue(netif.written.isEmpty());
    assertEquals(1, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED));
  }

  @ParameterizedTest(name = "destination {0}")
  @ValueSource(strings = {"255.255.255.255", "192.0.2.255", "224.0.0.1"})
  void rfc1122_3_2_2_noErrorAboutABroadcastOrMulticastDestination(String destination) {
    sendPortUnreachableAbout(datagram("192.0.2.1", destination, 17, 0, new byte[16]));
    assertTrue(netif.written.isEmpty());
    assertEquals(1, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED));
  }

  @Test
  void rfc1122_3_2_2_noErrorAboutANonInitialFragment() {
    sendPortUnreachableAbout(datagram("192.0.2.1", "192.0.2.2", 17, 8, new byte[16]));
    assertTrue(netif.written.isEmpty());
    assertEquals(1, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED));
  }

  @Test
  void rfc1122_3_2_2_noErrorAboutAnIcmpErrorButOneAboutAnEchoRequest() {
    for (int type : new int[] {3, 4, 5, 11, 12}) {
      sendPortUnreachableAbout(datagram("192.0.2.1", "192.0.2.2", 1, 0, Frames.icmp(type, 0, 0, new byte[28])));
    }
    assertTrue(netif.written.isEmpty());
    assertEquals(5, stack.stats().get(Ipv4Counter.TX_ICMP_ERRORS_SUPPRESSED));
    sendPortUnreachableAbout(datagram("192.0.2.1", "192.0.2.2", 1, 0, Frames.icmp(8, 0, 0, new byte[28])));
    assertEquals(1, netif.written.size(), "an echo request is no error: an error about it is allowed");
  }
}
