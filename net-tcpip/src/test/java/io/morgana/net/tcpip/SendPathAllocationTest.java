package io.morgana.net.tcpip;

import io.morgana.net.tcpip.udp.UdpCounter;
import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.api.Offloads;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.runtime.DeterministicLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The send path allocates nothing per packet in steady traffic: a UDP payload written with
 * {@link TcpipStack#HEADROOM} in front to a resolved on-link peer gets its UDP, IPv4 and Ethernet
 * headers in place. Measured with the JVM's per-thread allocation counter; the test's interface
 * hands the frame back instead of releasing it, so the same buffer is sent again and the only
 * allocation measured is the stack's.
 */
class SendPathAllocationTest {

  /** Keeps the last frame (does not release it: the test reuses it) and counts frames. */
  private static final class ReturningNetif implements Netif {
    ByteBuf last;
    long frames;

    @Override
    public MacAddress mac() {
      return OUR_MAC;
    }

    @Override
    public int mtu() {
      return 1500;
    }

    @Override
    public Offloads offloads() {
      return Offloads.NONE;
    }

    @Override
    public NetifStats stats() {
      return new NetifStats(0, 0, 0, frames, 0, 0);
    }

    @Override
    public void listen(FrameHandler handler) {}

    @Override
    public boolean write(ByteBuf frame) {
      if (last != null && last != frame) {
        last.release(); // ARP announcements and the like
      }
      last = frame;
      frames++;
      return true;
    }

    @Override
    public void close() {}
  }

  @Test
  void steadyUdpSendWithHeadroomAllocatesNothingPerPacket() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs com.sun.management.ThreadMXBean to count allocated bytes");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadAllocatedMemorySupported(), "the JVM does not count allocated bytes per thread");
    DeterministicLoop loop = new DeterministicLoop();
    ReturningNetif netif = new ReturningNetif();
    TcpipStack stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null));
    loop.runUntilIdle();
    ByteBuf arp = Unpooled.wrappedBuffer(
        Frames.arp(PEER_MAC, OUR_MAC, new ArpHeader(2, PEER_MAC, PEER, OUR_MAC, US)));
    stack.ethernet().onFrame(arp, loop.nowNanos(), 0); // learn the peer: no resolution during the measurement
    arp.release();
    assertTrue(stack.arp().lookup(PEER).isPresent());
    // A plain buffer: under the paranoid leak detector of the test run, a leak-aware buffer records
    // a stack trace on every access, which would be the test's allocation, not the stack's.
    ByteBuf payload = Unpooled.wrappedBuffer(java.nio.ByteBuffer.allocateDirect(TcpipStack.HEADROOM + 64));
    int warmup = 20_000;
    int measured = 100_000;
    long sentBefore = stack.stats().get(UdpCounter.TX_DATAGRAMS);
    for (int i = 0; i < warmup; i++) {
      sendOnce(stack, netif, payload, loop.nowNanos());
    }
    long tid = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < measured; i++) {
      sendOnce(stack, netif, payload, loop.nowNanos());
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    System.out.printf("send path: %d bytes allocated for %d UDP datagrams%n", allocated, measured);
    assertEquals(warmup + measured, stack.stats().get(UdpCounter.TX_DATAGRAMS) - sentBefore);
    assertTrue(netif.last == payload, "the payload's own buffer went to the interface (no copy)");
    assertEquals(14 + 20 + 8 + 64, payload.readableBytes());
    stack.close();
    payload.release();
    // Less than one byte per packet: no object is allocated per packet (the smallest is 16 bytes).
    assertTrue(allocated < measured, allocated + " bytes allocated for " + measured + " datagrams");
  }

  private static void sendOnce(TcpipStack stack, ReturningNetif netif, ByteBuf payload, long now) {
    payload.setIndex(TcpipStack.HEADROOM, TcpipStack.HEADROOM + 64);
    stack.udp().send(PEER, 7, 4000, payload, now);
    if (netif.last != payload) {
      throw new AssertionError("the stack copied the payload instead of writing its headers in place");
    }
  }
}
