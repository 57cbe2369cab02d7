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
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
  void rfc1122_3_3_2_reassemblyTimesOutAfter30SecondsWithTimeExceeded() {
    fragment(8, 0, 48, true);
    loop.advance(Duration.ofSeconds(15));
    // Let the stack know the peer's MAC (an ARP request for us), so the ICMP error goes straight out.
    ByteBuf arp = Unpooled.wrappedBuffer(Frames.arp(PEER_MAC, MacAddress.BROADCAST,
        new ArpHeader(1, PEER_MAC, PEER, MacAddress.ZERO, US)));
    stack.ethernet().onFrame(arp, loop.nowNanos(), 0);
    arp.release();
    loop.advance(Duration.ofSeconds(14));
    assertEquals(1, stack.ip().reassembliesInProgress());
    netif.written.clear();
    loop.advance(Duration.ofSeconds(1)); // Linux's net.ipv4.ipfrag_time
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
    loop.advance(Duration.ofSeconds(30));
    assertEquals(1, count(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
    assertEquals(0, count(Ipv4Counter.TX_ICMP_ERRORS));
  }

  /** Sends {@code udp} (a whole UDP datagram) from {@code src} in fragments of {@code size} bytes, in order. */
  private void sendFragmented(Ipv4Address src, int id, byte[] udp, int size) {
    for (int off = 0; off < udp.length; off += size) {
      int end = Math.min(udp.length, off + size);
      send(src, id, off, Arrays.copyOfRange(udp, off, end), end < udp.length);
    }
  }

  private void send(Ipv4Address src, int id, int offset, byte[] data, boolean more) {
    ByteBuf b = Unpooled.wrappedBuffer(Frames.ipv4(PEER_MAC, OUR_MAC, src, US, 17, id, more, offset, data));
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
  }

  /** Issue 8: incomplete first fragments from other hosts held all 16 slots, so {@code ping -s 30000} failed for 60 s. */
  @ParameterizedTest
  @ValueSource(ints = {16, 1_000})
  void issue8_incompleteFirstFragmentsFromOtherHostsDoNotLockOutReassembly(int strangers) {
    byte[] first = new byte[1480];
    for (int i = 0; i < strangers; i++) {
      send(Ipv4Address.of(198, 51, 100 + i / 250, 1 + i % 250), 77, 0, first, true);
    }
    loop.runUntilIdle();
    assertEquals(strangers, stack.ip().reassembliesInProgress());
    byte[] data = Harness.pattern(30_000, 5);
    sendFragmented(PEER, 78, Frames.udpDatagram(PEER, US, 4000, 7, data), 1480);
    loop.runUntilIdle();
    assertEquals(1, delivered.size(), stack.stats().toString());
    assertArrayEquals(data, delivered.getFirst());
    assertEquals(0, count(Ipv4Counter.REASSEMBLY_EVICTED), "1,000 first fragments are well inside 4 MiB");
    loop.advance(Duration.ofSeconds(30));
    assertEquals(strangers, count(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
  }

  /**
   * Issue 8: a 2 s flood of 8,000-byte datagrams (one fragment of each lost) left fragmented
   * datagrams failing for 61 s. Now the oldest incomplete ones make room.
   */
  @Test
  void issue8_floodOfIncompleteDatagramsDoesNotStopTheNextCompleteOne() {
    int flood = 2_000;
    for (int id = 0; id < flood; id++) {
      byte[] udp = Frames.udpDatagram(PEER, US, 4000, 7, Harness.pattern(8_000, id));
      for (int off = 0; off < udp.length; off += 1480) {
        if (off != 2 * 1480) { // lost
          int end = Math.min(udp.length, off + 1480);
          send(PEER, id, off, Arrays.copyOfRange(udp, off, end), end < udp.length);
        }
      }
      loop.advance(Duration.ofMillis(1));
    }
    assertTrue(count(Ipv4Counter.REASSEMBLY_EVICTED) > 0, stack.stats().toString());
    assertTrue(stack.ip().reassembliesInProgress() < flood);
    assertTrue(delivered.isEmpty());
    byte[] data = Harness.pattern(8_000, -1);
    sendFragmented(PEER, flood, Frames.udpDatagram(PEER, US, 4000, 7, data), 1480);
    loop.runUntilIdle();
    assertEquals(1, delivered.size(), stack.stats().toString());
    assertArrayEquals(data, delivered.getFirst());
    loop.advance(Duration.ofSeconds(30));
    assertEquals(0, stack.ip().reassembliesInProgress());
    assertEquals(flood, count(Ipv4Counter.REASSEMBLY_EVICTED) + count(Ipv4Counter.REASSEMBLY_DROP_TIMEOUT));
  }

  /** Linux reassembles the largest datagram sent in 8-byte fragments (8,190 of them); we used to stop at 64. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void linux_largestDatagramInEightByteFragmentsReassembles(boolean shuffled) {
    byte[] data = Harness.pattern(Ipv4Packet.MAX_TOTAL_LENGTH - 20 - 8, 11);
    byte[] udp = Frames.udpDatagram(PEER, US, 4000, 7, data);
    List<Integer> offsets = new ArrayList<>();
    for (int off = 0; off < udp.length; off += 8) {
      offsets.add(off);
    }
    assertEquals(8_190, offsets.size());
    if (shuffled) {
      Collections.shuffle(offsets, new Random(8));
    }
    for (int off : offsets) {
      int end = Math.min(udp.length, off + 8);
      send(PEER, 12, off, Arrays.copyOfRange(udp, off, end), end < udp.length);
    }
    loop.runUntilIdle();
    assertEquals(1, delivered.size(), stack.stats().toString());
    assertArrayEquals(data, delivered.getFirst());
    assertEquals(0, stack.ip().reassembliesInProgress());
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
