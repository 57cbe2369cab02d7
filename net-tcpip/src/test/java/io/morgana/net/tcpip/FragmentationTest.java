package io.morgana.net.tcpip;

import io.morgana.net.tcpip.ipv4.Ipv4Counter;
import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ip;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.net.tcpip.wire.Checksum;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fragmentation on send (RFC 791 §2.3 "Fragmentation", §3.2 "Fragmentation and reassembly"),
 * checked field by field on the frames the stack writes, not by our own reassembler (a mistake
 * made the same way on both sides would pass a round trip).
 */
class FragmentationTest {

  private static TcpipStack stack(CaptureNetif netif, DeterministicLoop loop, TrackingAllocator alloc) {
    TcpipStack s = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null), alloc);
    loop.runUntilIdle();
    ByteBuf arp = Unpooled.wrappedBuffer(
        Frames.arp(PEER_MAC, MacAddress.BROADCAST, new ArpHeader(1, PEER_MAC, PEER, MacAddress.ZERO, US)));
    s.ethernet().onFrame(arp, loop.nowNanos(), 0);
    arp.release();
    loop.runUntilIdle();
    netif.written.clear();
    return s;
  }

  @Test
  void rfc791_fragmentsCarryOffsetsIn8ByteUnitsMoreFragmentsOnAllButTheLastAndOneIdentification() {
    DeterministicLoop loop = new DeterministicLoop();
    TrackingAllocator alloc = new TrackingAllocator();
    CaptureNetif netif = new CaptureNetif(OUR_MAC, 1500);
    TcpipStack s = stack(netif, loop, alloc);
    byte[] data = Harness.pattern(3000, 9);
    assertTrue(s.ip().write(PEER, 99, Unpooled.wrappedBuffer(data)));
    loop.runUntilIdle();

    List<byte[]> frames = netif.written;
    assertEquals(3, frames.size());
    int[] expectedOffsetUnits = {0, 1480 / 8, 2960 / 8};
    int[] expectedTotal = {1500, 1500, 20 + 40};
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    int id = -1;
    for (int i = 0; i < 3; i++) {
      ByteBuf f = Unpooled.wrappedBuffer(frames.get(i));
      assertEquals(0x45, f.getUnsignedByte(14), "version 4, IHL 5");
      assertEquals(expectedTotal[i], f.getUnsignedShort(16), "total length of fragment " + i);
      assertEquals(expectedTotal[i] + 14, frames.get(i).length);
      int word = f.getUnsignedShort(20);
      assertEquals(expectedOffsetUnits[i], word & 0x1fff, "offset of fragment " + i + " in 8-byte units");
      assertEquals(i < 2, (word & 0x2000) != 0, "MF of fragment " + i);
      assertEquals(0, word & 0x4000, "DF is clear");
      assertEquals(0, word & 0x8000, "the reserved bit is zero");
      if (i == 0) {
        id = f.getUnsignedShort(18);
      }
      assertEquals(id, f.getUnsignedShort(18), "one identification for every fragment");
      assertEquals(99, f.getUnsignedByte(23));
      assertTrue(Checksum.verifies(Checksum.sum(f, 14, 20, 0)), "header checksum of fragment " + i);
      joined.write(frames.get(i), 34, expectedTotal[i] - 20);
    }
    assertArrayEquals(data, joined.toByteArray());
    s.close();
    assertEquals(0, alloc.outstanding());
  }

  @Test
  void rfc791_dontFragmentIsHonouredAndADatagramThatFitsGoesWhole() {
    DeterministicLoop loop = new DeterministicLoop();
    TrackingAllocator alloc = new TrackingAllocator();
    CaptureNetif netif = new CaptureNetif(OUR_MAC, 1500);
    TcpipStack s = stack(netif, loop, alloc);
    assertTrue(s.ip().write(PEER, 99, Unpooled.wrappedBuffer(new byte[1480]), Ip.DONT_FRAGMENT));
    loop.runUntilIdle();
    assertEquals(1, netif.written.size());
    ByteBuf f = Unpooled.wrappedBuffer(netif.written.getFirst());
    assertEquals(0x4000, f.getUnsignedShort(20), "DF set, MF clear, offset 0");
    assertFalse(s.ip().write(PEER, 99, Unpooled.wrappedBuffer(new byte[1481]), Ip.DONT_FRAGMENT));
    loop.runUntilIdle();
    assertEquals(1, netif.written.size());
    s.close();
    assertEquals(0, alloc.outstanding());
  }

  @Test
  void rfc791_anMtuTooSmallForAnyFragmentIsARefusalNotAHang() {
    DeterministicLoop loop = new DeterministicLoop();
    TrackingAllocator alloc = new TrackingAllocator();
    CaptureNetif netif = new CaptureNetif(OUR_MAC, 24);
    TcpipStack s = stack(netif, loop, alloc);
    // The bound is only there to turn a hang into a failure; the send itself takes microseconds.
    boolean sent = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> s.ip().send(PEER, 99, Unpooled.wrappedBuffer(new byte[100]), 0, loop.nowNanos()));
    assertFalse(sent);
    assertEquals(1, s.stats().get(Ipv4Counter.TX_DROP_FRAGMENTATION_NEEDED));
    assertTrue(netif.written.isEmpty());
    s.close();
    assertEquals(0, alloc.outstanding());
  }
}
