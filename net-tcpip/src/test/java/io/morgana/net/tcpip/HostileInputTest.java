package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.icmp.IcmpCounter;
import io.morgana.net.tcpip.internal.Buffers;
import io.morgana.net.tcpip.ipv4.Ipv4Counter;
import io.morgana.net.tcpip.udp.UdpCounter;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.net.tcpip.wire.Checksum;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's attacks, each as a regression test on a deterministic loop: what an attacker on the
 * same link sent to {@code echo-tap.jar}, and the rules that now hold against it. Each rule has a
 * positive control, so that a test that sees nothing sent cannot pass because nothing could be.
 */
class HostileInputTest {

  private static final Ipv4Address DIRECTED_BROADCAST = Ipv4Address.parse("192.0.2.255");

  private DeterministicLoop loop;
  private TrackingAllocator alloc;
  private CaptureNetif netif;
  private TcpipStack stack;
  private final AtomicInteger echoed = new AtomicInteger();

  @BeforeEach
  void setUp() {
    loop = new DeterministicLoop();
    alloc = new TrackingAllocator();
    netif = new CaptureNetif(OUR_MAC, 1500);
    stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", "192.0.2.1"), alloc);
    loop.runUntilIdle();
    // An RFC 862 echo service written as EchoServer is: the reply is a retained duplicate.
    stack.udp().listen(7, (src, sport, dst, dport, payload) -> {
      echoed.incrementAndGet();
      stack.udp().write(src, sport, 7, payload.retainedDuplicate());
    });
    inject(Frames.arp(PEER_MAC, MacAddress.BROADCAST, new ArpHeader(1, PEER_MAC, PEER, MacAddress.ZERO, US)));
    netif.written.clear();
  }

  @AfterEach
  void tearDown() {
    stack.close();
    assertEquals(0, alloc.outstanding(), "buffers allocated by the stack and never released");
  }

  /** Delivers one frame on the loop, as a device does, and runs until idle; returns the turns it took. */
  private int inject(byte[] frame) {
    ByteBuf b = Unpooled.wrappedBuffer(frame);
    loop.execute(() -> stack.ethernet().onFrame(b, loop.nowNanos(), 0));
    int turns = loop.runUntilIdle();
    assertEquals(1, b.refCnt(), "the stack kept a borrowed frame");
    b.release();
    return turns;
  }

  private long count(Ipv4Counter c) {
    return stack.stats().get(c);
  }

  @Test
  void spoofedOwnAddressUdpToTheEchoPortIsDroppedAndNeverAnswered() {
    int turns = inject(Frames.udp(PEER_MAC, OUR_MAC, US, US, 7, 7, new byte[] {1, 2, 3}));
    assertEquals(0, echoed.get());
    assertEquals(0, netif.written.size());
    assertEquals(1, count(Ipv4Counter.RX_DROP_OWN_SOURCE));
    assertTrue(turns <= 3, "the loop went round " + turns + " times for one dropped frame");
  }

  @Test
  void spoofedOwnAddressUdpToOurBroadcastAddressesIsDropped() {
    inject(Frames.udp(PEER_MAC, MacAddress.BROADCAST, US, DIRECTED_BROADCAST, 7, 7, new byte[] {1}));
    inject(Frames.udp(PEER_MAC, MacAddress.BROADCAST, US, Ipv4Address.BROADCAST, 7, 7, new byte[] {1}));
    assertEquals(0, echoed.get());
    assertEquals(0, netif.written.size());
    assertEquals(2, count(Ipv4Counter.RX_DROP_OWN_SOURCE));
  }

  @Test
  void theSameDatagramFromAPeerIsEchoed_control() {
    inject(Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 7, 7, new byte[] {1, 2, 3}));
    assertEquals(1, echoed.get());
    assertEquals(1, netif.written.size());
    assertEquals(0, count(Ipv4Counter.RX_DROP_OWN_SOURCE));
  }

  @Test
  void spoofedOwnAddressEchoRequestIsNotAnswered() {
    byte[] ping = Frames.icmp(IcmpPacket.TYPE_ECHO_REQUEST, 0, 0x12340001, new byte[8]);
    inject(Frames.ipv4(PEER_MAC, OUR_MAC, US, US, 1, 9, false, 0, ping));
    assertEquals(0, netif.written.size());
    inject(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 9, false, 0, ping));
    assertEquals(1, netif.written.size(), "control: the same ping from a peer is answered");
  }

  @Test
  void rfc1122_3_2_1_3_zeroSourceIsRefusedExceptToTheLimitedBroadcast() {
    inject(Frames.udp(PEER_MAC, OUR_MAC, Ipv4Address.ANY, US, 68, 7, new byte[] {1}));
    assertEquals(1, count(Ipv4Counter.RX_DROP_ZERO_SOURCE));
    assertEquals(0, echoed.get());
    // A DHCP client's broadcast from 0.0.0.0 is received (a DHCP server must see it).
    inject(Frames.udp(PEER_MAC, MacAddress.BROADCAST, Ipv4Address.ANY, Ipv4Address.BROADCAST, 68, 7, new byte[] {1}));
    assertEquals(1, echoed.get());
  }

  @Test
  void echoingARetainedDuplicateNeverWritesIntoTheReceivedFrame() {
    byte[] frame = Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 4000, 7, new byte[] {9, 8, 7, 6, 5});
    byte[] before = frame.clone();
    inject(frame); // the frame's array is the receive buffer: the reply must not be written there
    assertArrayEquals(before, frame, "the stack wrote headers into a buffer the interface owns");
    assertEquals(1, netif.written.size());
  }

  @Test
  void headersGoInPlaceOnlyIntoBuffersNobodyElseSees() {
    ByteBuf own = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    try {
      assertTrue(Buffers.isExclusive(own));
      ByteBuf dup = own.retainedDuplicate(); // refCnt() of its own is 1, yet it shares memory
      assertEquals(1, dup.refCnt());
      assertFalse(Buffers.isExclusive(dup));
      assertFalse(Buffers.isExclusive(own), "the parent is shared while a retained duplicate lives");
      dup.release();
      ByteBuf slice = own.slice();
      assertFalse(Buffers.isExclusive(slice));
      assertFalse(Buffers.isExclusive(own.asReadOnly()));
    } finally {
      own.release();
    }
  }

  /** An echo request to us from the peer with the given option bytes (a multiple of 4). */
  private static byte[] pingWithOptions(byte... options) {
    byte[] icmp = Frames.icmp(IcmpPacket.TYPE_ECHO_REQUEST, 0, 0x42420001, new byte[8]);
    int hl = 20 + options.length;
    ByteBuf b = Unpooled.buffer(14 + hl + icmp.length);
    byte[] plain = Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 77, false, 0, icmp);
    b.writeBytes(plain, 0, 34);
    b.writeBytes(options);
    b.writeBytes(icmp);
    b.setByte(14, 0x40 | (hl / 4));
    b.setShort(16, hl + icmp.length);
    b.setShort(24, 0);
    b.setShort(24, Checksum.compute(b, 14, hl));
    byte[] out = new byte[b.readableBytes()];
    b.getBytes(0, out);
    return out;
  }

  @Test
  void rfc1122_3_2_1_8_malformedOptionsGetAParameterProblemPointingAtTheBadByte() {
    // A timestamp option (68) whose length (1) is impossible, at header offset 20: pointer 21.
    inject(pingWithOptions((byte) 68, (byte) 1, (byte) 0, (byte) 0));
    assertEquals(1, count(Ipv4Counter.RX_DROP_BAD_OPTIONS));
    assertEquals(0, stack.stats().get(IcmpCounter.TX_ECHO_REPLIES));
    assertEquals(1, netif.written.size());
    byte[] reply = netif.written.getFirst();
    assertEquals(IcmpPacket.TYPE_PARAMETER_PROBLEM, reply[34] & 0xff);
    assertEquals(0, reply[35]);
    assertEquals(21, reply[38] & 0xff, "the pointer names the length byte");
  }

  @Test
  void parameterProblemsAreRateLimited() {
    for (int i = 0; i < 50; i++) {
      inject(pingWithOptions((byte) 68, (byte) 9, (byte) 0, (byte) 0)); // length past the header
    }
    assertEquals(50, count(Ipv4Counter.RX_DROP_BAD_OPTIONS));
    assertTrue(netif.written.size() < 50, netif.written.size() + " parameter problems for 50 datagrams");
    assertEquals(50 - netif.written.size(), count(Ipv4Counter.TX_ICMP_ERRORS_RATE_LIMITED));
  }

  @Test
  void sourceRoutedDatagramsAreDroppedAsLinuxDoes() {
    // Loose Source and Record Route: type 131, length 7, pointer 4, one address; then EOL.
    inject(pingWithOptions((byte) 131, (byte) 7, (byte) 4, (byte) 192, (byte) 0, (byte) 2, (byte) 9, (byte) 0));
    inject(pingWithOptions((byte) 137, (byte) 7, (byte) 4, (byte) 192, (byte) 0, (byte) 2, (byte) 9, (byte) 0));
    assertEquals(2, count(Ipv4Counter.RX_DROP_SOURCE_ROUTED));
    assertEquals(0, netif.written.size());
  }

  @Test
  void wellFormedOptionsAreAccepted_control() {
    // Record Route (7), length 7, pointer 4, room for one address; then End of Option List.
    inject(pingWithOptions((byte) 7, (byte) 7, (byte) 4, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0));
    assertEquals(1, stack.stats().get(IcmpCounter.TX_ECHO_REPLIES));
    assertEquals(0, count(Ipv4Counter.RX_DROP_BAD_OPTIONS));
  }

  @Test
  void aDatagramToOurOwnAddressIsDeliveredOnTheNextPollNotReentrantly() {
    AtomicInteger received = new AtomicInteger();
    stack.udp().listen(5000, (src, sport, dst, dport, payload) -> received.incrementAndGet());
    loop.execute(() -> {
      assertTrue(stack.udp().write(US, 5000, 5001, Unpooled.wrappedBuffer(new byte[] {1})));
      assertEquals(0, received.get(), "delivered inside write: re-entrant");
    });
    loop.runUntilIdle();
    assertEquals(1, received.get());
    assertEquals(0, netif.written.size(), "a datagram to ourselves reached the wire");
    assertEquals(0, stack.stats().get(UdpCounter.RX_DROP_NO_LISTENER));
  }
}
