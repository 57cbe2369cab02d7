package io.morgana.net.tcpip;

import io.morgana.net.tcpip.ethernet.EthernetCounter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.net.tcpip.wire.IcmpPacket;
import io.morgana.net.tcpip.wire.Ipv4Packet;
import io.morgana.net.tcpip.wire.MalformedPacketException;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random and mutated frames fed to a whole stack: nothing escapes (exceptions from the codecs are
 * caught and counted), no received frame is retained, every buffer the stack allocates is
 * released, every frame it writes in answer is well formed and obeys RFC 1122 §3.2.2, and state
 * that must not change does not (the ARP cache).
 */
class StackFuzzProperties {

  static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
  static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:02");
  static final Ipv4Address US = Ipv4Address.parse("192.0.2.2");
  static final Ipv4Address PEER = Ipv4Address.parse("192.0.2.1");

  /** Valid frames of every kind the stack handles, to mutate. */
  static List<byte[]> seeds() {
    List<byte[]> s = new ArrayList<>();
    s.add(Frames.arp(PEER_MAC, MacAddress.BROADCAST,
        new ArpHeader(1, PEER_MAC, PEER, MacAddress.ZERO, US)));
    s.add(Frames.arp(PEER_MAC, OUR_MAC, new ArpHeader(2, PEER_MAC, PEER, OUR_MAC, US)));
    s.add(Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 4000, 7, Harness.pattern(40, 1)));
    s.add(Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 4000, 9999, Harness.pattern(40, 2)));
    s.add(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 9, false, 0, Frames.icmp(8, 0, 0x10001, Harness.pattern(32, 3))));
    s.add(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 9, false, 0,
        Frames.icmp(3, 3, 0, java.util.Arrays.copyOf(Frames.ipv4(OUR_MAC, PEER_MAC, US, PEER, 17, 1, false, 0,
            Frames.udpDatagram(US, PEER, 7, 4000, new byte[8])), 42))));
    byte[] dgram = Frames.udpDatagram(PEER, US, 4000, 7, Harness.pattern(64, 4));
    s.add(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 17, 77, true, 0, java.util.Arrays.copyOf(dgram, 40)));
    s.add(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 17, 77, false, 40, java.util.Arrays.copyOfRange(dgram, 40, dgram.length)));
    return s;
  }

  @Provide
  Arbitrary<byte[]> mutatedFrames() {
    List<byte[]> seeds = seeds();
    return Arbitraries.integers().between(0, seeds.size() - 1).flatMap(i ->
        Arbitraries.longs().map(seed -> mutate(seeds.get(i), seed)));
  }

  static byte[] mutate(byte[] frame, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] f = frame.clone();
    int mutations = 1 + r.nextInt(4);
    for (int m = 0; m < mutations; m++) {
      switch (r.nextInt(4)) {
        case 0 -> f[r.nextInt(f.length)] = (byte) r.nextInt(256);
        case 1 -> { // headers
          if (f.length > 14) {
            f[14 + r.nextInt(Math.min(28, f.length - 14))] = (byte) r.nextInt(256);
          }
        }
        case 2 -> f = java.util.Arrays.copyOf(f, r.nextInt(f.length + 1));
        default -> f = java.util.Arrays.copyOf(f, f.length + r.nextInt(64));
      }
      if (f.length == 0) {
        break;
      }
    }
    return f;
  }

  private static void feed(List<byte[]> frames) {
    DeterministicLoop loop = new DeterministicLoop();
    TrackingAllocator alloc = new TrackingAllocator();
    CaptureNetif netif = new CaptureNetif(OUR_MAC, 1500);
    TcpipStack stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null), alloc);
    List<Integer> seen = new ArrayList<>();
    stack.udp().listen(7, (src, sport, dst, dport, payload) -> seen.add(payload.readableBytes()));
    loop.runUntilIdle();
    for (byte[] f : frames) {
      ByteBuf b = Unpooled.directBuffer(f.length + 8);
      b.writeBytes(f);
      stack.ethernet().onFrame(b, loop.nowNanos(), 0); // straight in: an exception would fail the property
      assertEquals(1, b.refCnt(), "the stack kept a received frame");
      b.release();
      loop.runUntilIdle();
    }
    loop.advance(Duration.ofSeconds(120)); // reassembly timeouts, ARP expiry
    assertEquals(0, stack.stats().get(EthernetCounter.RX_HANDLER_FAILURES));
    for (byte[] out : netif.written) {
      assertWellFormedReply(out);
    }
    stack.close();
    assertEquals(0, alloc.outstanding(), "buffers allocated by the stack and never released");
  }

  /**
   * Whatever came in, what goes out is well formed: valid IPv4 and ICMP checksums, from our address
   * (or 0.0.0.0 unconfigured), never to 127/8 or a group address with a unicast MAC, and never an
   * ICMP error about an ICMP error (RFC 1122 §3.2.2).
   */
  static void assertWellFormedReply(byte[] frame) {
    ByteBuf f = Unpooled.wrappedBuffer(frame);
    assertTrue(frame.length >= 14, "runt frame written");
    int type = f.getUnsignedShort(12);
    assertTrue(type == 0x0806 || type == 0x0800, "EtherType " + Integer.toHexString(type));
    if (type != 0x0800) {
      return;
    }
    Ipv4Packet ip = new Ipv4Packet().wrap(f, 14, frame.length - 14);
    try {
      ip.check(true);
    } catch (MalformedPacketException e) {
      throw new AssertionError("the stack wrote a malformed IPv4 datagram: " + e.reason(), e);
    }
    assertEquals(US.toInt(), ip.source(), "source of what we send");
    int dst = ip.destination();
    assertTrue((dst >>> 24) != 127 && (dst >>> 28) < 0xe && dst != 0, "destination " + Ipv4Address.of(dst));
    if (ip.protocol() == 1 && !ip.isFragment()) {
      IcmpPacket icmp = new IcmpPacket().wrap(f, ip.payloadOffset(), ip.payloadLength());
      try {
        icmp.check(true);
      } catch (MalformedPacketException e) {
        throw new AssertionError("the stack wrote a malformed ICMP message: " + e.reason(), e);
      }
      if (IcmpPacket.isError(icmp.type()) && icmp.dataLength() >= 21) {
        Ipv4Packet quoted = new Ipv4Packet().wrap(f, icmp.dataOffset(), icmp.dataLength());
        if (quoted.protocol() == 1 && quoted.availablePayloadLength() > 0) {
          int quotedType = f.getUnsignedByte(quoted.payloadOffset());
          assertTrue(!IcmpPacket.isError(quotedType), "an ICMP error about an ICMP error");
        }
        assertEquals(0, quoted.fragmentOffset(), "an ICMP error about a non-initial fragment");
      }
    }
  }

  @Property(tries = 300)
  void randomFramesNeverEscapeOrLeak(@ForAll @Size(max = 8) List<@Size(max = 200) byte[]> frames) {
    feed(frames);
  }

  @Property(tries = 500)
  void mutatedFramesNeverEscapeOrLeak(@ForAll @Size(min = 1, max = 8) List<@From("mutatedFrames") byte[]> frames) {
    feed(frames);
  }

  /** RFC 826 / RFC 1122 §2.3.2.1: ARP packets not addressed to us create no cache entry. */
  @Property(tries = 300)
  void rfc826_arpNotForUsNeverPoisonsTheCache(
      @ForAll @IntRange(min = 0, max = 0xffff) int operation, @ForAll long sha, @ForAll int spa,
      @ForAll long tha, @ForAll int tpa) {
    if (tpa == US.toInt()) {
      tpa++;
    }
    DeterministicLoop loop = new DeterministicLoop();
    CaptureNetif netif = new CaptureNetif(OUR_MAC, 1500);
    TcpipStack stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null), new TrackingAllocator());
    loop.runUntilIdle();
    MacAddress sender = MacAddress.of(sha & 0xffff_ffff_ffffL);
    byte[] f = Frames.arp(sender, MacAddress.BROADCAST, new ArpHeader(operation, sender, Ipv4Address.of(spa),
        MacAddress.of(tha & 0xffff_ffff_ffffL), Ipv4Address.of(tpa)));
    netif.written.clear();
    ByteBuf b = Unpooled.wrappedBuffer(f);
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
    loop.runUntilIdle();
    assertEquals(0, stack.arp().entryCount());
    assertTrue(netif.written.isEmpty(), "nothing is answered to ARP for another host");
    stack.close();
  }
}
