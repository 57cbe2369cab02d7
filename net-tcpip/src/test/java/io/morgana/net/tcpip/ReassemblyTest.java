package io.morgana.net.tcpip;

import io.morgana.net.tcpip.ethernet.EthernetCounter;
import io.morgana.net.tcpip.ipv4.Ipv4Counter;
import io.morgana.net.tcpip.udp.UdpCounter;
import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.runtime.DeterministicLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IPv4 reassembly (RFC 791 §3.2, RFC 1122 §3.3.2) seen from outside one stack. */
class ReassemblyTest {

  private DeterministicLoop loop;
  private TrackingAllocator alloc;
  private CaptureNetif netif;
  private TcpipStack stack;
  private final List<byte[]> delivered = new ArrayList<>();
  private final byte[] datagram = Frames.udpDatagram(PEER, US, 4000, 7, Harness.pattern(100, 9)); // 108 bytes

  @BeforeEach
  void setUp() {
    loop = new DeterministicLoop();
    alloc = new TrackingAllocator();
    netif = new CaptureNetif(OUR_MAC, 1500);
    stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null), alloc);
    stack.udp().listen(7, (src, sport, dst, dport, payload) -> delivered.add(ByteBufUtil.getBytes(payload)));
    loop.runUntilIdle();
  }

  @AfterEach
  void tearDown() {
    loop.runUntilIdle();
    stack.close();
    assertEquals(0, alloc.outstanding(), "buffers never released");
  }

  private void fragment(int id, int from, int to, boolean more) {
    fragment(id, from, Arrays.copyOfRange(datagram, from, to), more);
  }

  private void fragment(int id, int offset, byte[] data, boolean more) {
    ByteBuf b = Unpooled.wrappedBuffer(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 17, id, more, offset, data));
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
    loop.runUntilIdle();
  }

  private <C extends Enum<C> & io.morgana.net.tcpip.internal.ProtocolCounter> long count(C c) {
    return stack.stats().get(c);
  }

  private byte[] payloadOf(byte[] dgram) {
    return Arrays.copyOfRange(dgram, 8, dgram.length);
  }

  @Test
  void rfc791_fragmentsInAnyOrderAreReassembled() {
    fragment(1, 96, 108, false);
    fragment(1, 48, 96, true);
    fragment(1, 0, 48, true);
    assertEquals(1, delivered.size());
    assertArrayEquals(payloadOf(datagram), delivered.getFirst());
    assertEquals(1, count(Ipv4Counter.RX_REASSEMBLED));
    assertEquals(0, stack.ip().reassembliesInProgress());
  }

  @Test
  void rfc5722_overlappingFragmentsDropTheWholeDatagram() {
    fragment(2, 0, 48, true);
    fragment(2, 40, 96, true); // overlaps 40..48
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_OVERLAP));
    assertEquals(0, stack.ip().reassembliesInProgress());
    fragment(2, 96, 108, false); // starts afresh, never completes
    loop.advance(Duration.ofSeconds(61));
    assertTrue(delivered.isEmpty());
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
  }

  @Test
  void rfc5722_overlapWithDifferentBytesAtTheSameOffsetDropsTheWholeDatagram() {
    fragment(3, 0, 48, true);
    byte[] other = Arrays.copyOfRange(datagram, 48, 96);
    other[3] ^= 1;
    fragment(3, 48, other, true);
    fragment(3, 48, 96, true);
    fragment(3, 96, 108, false);
    assertTrue(delivered.isEmpty());
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_OVERLAP));
    loop.advance(Duration.ofSeconds(61));
  }

  @Test
  void exactDuplicateFragmentIsIgnored() {
    fragment(4, 0, 48, true);
    fragment(4, 0, 48, true);
    fragment(4, 48, 108, false);
    assertEquals(1, delivered.size(), stack.stats().toString());
    assertArrayEquals(payloadOf(datagram), delivered.getFirst());
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DUPLICATES));
  }

  @Test
  void rfc791_nonFinalFragmentNotAMultipleOfEightIsMalformed() {
    fragment(5, 0, 47, true);
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_MALFORMED));
    assertEquals(0, stack.ip().reassembliesInProgress());
  }

  @Test
  void rfc791_fragmentEndingPast65535IsMalformed() {
    fragment(6, 65_528, new byte[16], false);
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_MALFORMED));
  }

  @Test
  void rfc791_fragmentPastTheFinalOneDropsTheDatagram() {
    fragment(7, 48, 56, false); // says the datagram ends at 56
    fragment(7, 56, 64, true);
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_OVERLAP));
    assertEquals(0, stack.ip().reassembliesInProgress());
  }

  @Test
  void rfc1122_3_3_2_reassemblyTimesOutAfter60SecondsWithTimeExceeded() {
    fragment(8, 0, 48, true);
    loop.advance(Duration.ofSeconds(30));
    // Let the stack know the peer's MAC (an ARP request for us), so the ICMP error goes straight out.
    ByteBuf arp = Unpooled.wrappedBuffer(Frames.arp(PEER_MAC, MacAddress.BROADCAST,
        new ArpHeader(1, PEER_MAC, PEER, MacAddress.ZERO, US)));
    stack.ethernet().onFrame(arp, loop.nowNanos(), 0);
    arp.release();
    loop.advance(Duration.ofSeconds(29));
    assertEquals(1, stack.ip().reassembliesInProgress());
    netif.written.clear();
    loop.advance(Duration.ofSeconds(1));
    assertEquals(0, stack.ip().reassembliesInProgress());
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
    assertEquals(1, netif.written.size());
    byte[] f = netif.written.getFirst();
    assertEquals(1, f[14 + 9], "ICMP");
    assertEquals(11, f[34], "time exceeded");
    assertEquals(1, f[35], "fragment reassembly time exceeded");
    // The quote: the first fragment's header and 8 bytes of its data (the UDP header).
    assertEquals(8 + 20 + 8, f.length - 34);
    assertArrayEquals(Arrays.copyOfRange(datagram, 0, 8), Arrays.copyOfRange(f, 34 + 8 + 20, 34 + 8 + 28));
  }

  @Test
  void rfc1122_3_3_2_laterFragmentAloneTimesOutSilently() {
    fragment(9, 48, 96, true);
    loop.advance(Duration.ofSeconds(60));
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
    assertEquals(0, count(Ipv4Counter.TX_ICMP_ERRORS));
  }

  @Test
  void boundedDatagramsInProgress() {
    for (int id = 100; id < 100 + 17; id++) {
      fragment(id, 0, 48, true);
    }
    assertEquals(16, stack.ip().reassembliesInProgress());
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_LIMIT));
    loop.advance(Duration.ofSeconds(60));
    assertEquals(16, count(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
  }

  @Test
  void boundedFragmentsPerDatagram() {
    for (int i = 0; i < 65; i++) {
      fragment(10, i * 8, new byte[8], true);
    }
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_LIMIT));
    assertEquals(0, stack.ip().reassembliesInProgress(), "the 65th fragment dropped the datagram");
    loop.advance(Duration.ofSeconds(60));
  }

  @Test
  void rfc1122_3_2_1_3_datagramsFromBroadcastSourcesAreDropped() {
    ByteBuf b = Unpooled.wrappedBuffer(Frames.udp(PEER_MAC, OUR_MAC, Ipv4Address.BROADCAST, US, 1, 7, new byte[4]));
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
    assertEquals(1, count(Ipv4Counter.RX_DROP_BAD_SOURCE));
    assertTrue(delivered.isEmpty());
  }

  @Test
  void ieee8023_lengthAndVlanFramesAreCountedDrops() {
    byte[] f = Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 1, 7, new byte[4]);
    byte[] length = f.clone();
    length[12] = 0x00;
    length[13] = 0x2e;
    byte[] vlan = f.clone();
    vlan[12] = (byte) 0x81;
    vlan[13] = 0x00;
    for (byte[] x : List.of(length, vlan)) {
      ByteBuf b = Unpooled.wrappedBuffer(x);
      stack.ethernet().onFrame(b, loop.nowNanos(), 0);
      b.release();
    }
    assertEquals(1, count(EthernetCounter.RX_DROP_LENGTH_FRAME));
    assertEquals(1, count(EthernetCounter.RX_DROP_VLAN));
    assertTrue(delivered.isEmpty());
  }

  @Test
  void rfc1122_3_2_1_2_badHeaderChecksumIsACountedDrop() {
    byte[] f = Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 1, 7, new byte[4]);
    f[14 + 8] = 1; // TTL changed, checksum not
    ByteBuf b = Unpooled.wrappedBuffer(f);
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
    assertEquals(1, count(Ipv4Counter.RX_DROP_BAD_CHECKSUM));
  }

  @Test
  void rfc768_badUdpChecksumIsACountedDrop() {
    byte[] f = Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 1, 7, new byte[4]);
    f[f.length - 1] ^= 0x40;
    ByteBuf b = Unpooled.wrappedBuffer(f);
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
    assertEquals(1, count(UdpCounter.RX_DROP_BAD_CHECKSUM));
    assertTrue(delivered.isEmpty());
  }
}
