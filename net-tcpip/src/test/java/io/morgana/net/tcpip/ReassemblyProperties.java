package io.morgana.net.tcpip;

import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** RFC 791 reassembly over arbitrary fragmentations, orders, duplicates and overlaps. */
class ReassemblyProperties {

  private record Fragment(int offset, byte[] data, boolean more) {}

  private static List<Fragment> cut(byte[] datagram, Random r) {
    List<Fragment> out = new ArrayList<>();
    int off = 0;
    while (off < datagram.length) {
      int n = Math.min(datagram.length - off, 8 * (1 + r.nextInt(64)));
      out.add(new Fragment(off, Arrays.copyOfRange(datagram, off, off + n), off + n < datagram.length));
      off += n;
    }
    return out;
  }

  private static List<byte[]> feed(List<Fragment> fragments, TrackingAllocator alloc) {
    DeterministicLoop loop = new DeterministicLoop();
    TcpipStack stack = new TcpipStack(new CaptureNetif(OUR_MAC, 1500), loop, Ipv4Config.of("192.0.2.2/24", null), alloc);
    List<byte[]> delivered = new ArrayList<>();
    stack.udp().listen(7, (src, sport, dst, dport, payload) -> delivered.add(ByteBufUtil.getBytes(payload)));
    loop.runUntilIdle();
    for (Fragment f : fragments) {
      ByteBuf b = Unpooled.wrappedBuffer(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 17, 4242, f.more(), f.offset(), f.data()));
      stack.ethernet().onFrame(b, loop.nowNanos(), 0);
      b.release();
      loop.runUntilIdle();
    }
    loop.advance(Duration.ofSeconds(61));
    assertEquals(0, stack.ip().reassembliesInProgress());
    stack.close();
    return delivered;
  }

  @Property(tries = 200)
  void rfc791_anyFragmentationInAnyOrderReassemblesExactly(
      @ForAll @IntRange(min = 1, max = 6000) int length, @ForAll long seed) {
    Random r = new Random(seed);
    byte[] data = Harness.pattern(length, (int) seed);
    byte[] datagram = Frames.udpDatagram(PEER, US, 4000, 7, data);
    List<Fragment> fragments = cut(datagram, r);
    Collections.shuffle(fragments, r);
    if (fragments.size() > 1 && r.nextBoolean()) { // (a lone unfragmented datagram twice is two datagrams)
      fragments.add(r.nextInt(fragments.size() + 1), fragments.get(r.nextInt(fragments.size()))); // exact duplicate
    }
    TrackingAllocator alloc = new TrackingAllocator();
    List<byte[]> delivered = feed(fragments, alloc);
    assertEquals(1, delivered.size(), "seed " + seed);
    assertArrayEquals(data, delivered.getFirst(), "seed " + seed);
    assertEquals(0, alloc.outstanding());
  }

  @Property(tries = 200)
  void rfc5722_anOverlappingFragmentMeansExactOrNothing(
      @ForAll @IntRange(min = 16, max = 6000) int length, @ForAll long seed) {
    Random r = new Random(seed);
    byte[] data = Harness.pattern(length, (int) seed);
    byte[] datagram = Frames.udpDatagram(PEER, US, 4000, 7, data);
    List<Fragment> fragments = cut(datagram, r);
    // An extra fragment overlapping somewhere, with different bytes.
    int start = 8 * r.nextInt(datagram.length / 8);
    int n = Math.min(datagram.length - start, 8 * (1 + r.nextInt(8)));
    byte[] evil = Arrays.copyOfRange(datagram, start, start + n);
    evil[r.nextInt(n)] ^= (byte) (1 + r.nextInt(255));
    fragments.add(r.nextInt(fragments.size() + 1), new Fragment(start, evil, start + n < datagram.length));
    TrackingAllocator alloc = new TrackingAllocator();
    List<byte[]> delivered = feed(fragments, alloc);
    assertTrue(delivered.size() <= 1, "seed " + seed);
    for (byte[] d : delivered) {
      assertArrayEquals(data, d, "seed " + seed + ": a datagram built from conflicting fragments");
    }
    assertEquals(0, alloc.outstanding());
  }
}
