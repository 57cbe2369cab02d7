package io.morgana.net.tcpip;

import io.morgana.net.tcpip.udp.UdpCounter;
import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.morgana.runtime.DeterministicLoop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The receive path allocates nothing per packet in steady traffic: UDP datagrams from a known
 * peer to a listening port, measured with the JVM's per-thread allocation counter. (The JMH GC
 * profiler run of the benchmarks module gives the same figure with more rigour.)
 */
class ReceivePathAllocationTest {

  @Test
  void steadyUdpReceiveAllocatesNothingPerPacket() {
    assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs com.sun.management.ThreadMXBean to count allocated bytes");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadAllocatedMemorySupported(), "the JVM does not count allocated bytes per thread");
    DeterministicLoop loop = new DeterministicLoop();
    TcpipStack stack = new TcpipStack(new CaptureNetif(OUR_MAC, 1500), loop, Ipv4Config.of("192.0.2.2/24", null));
    loop.runUntilIdle();
    long[] bytes = new long[1];
    stack.udp().listen(7, (src, sport, dst, dport, payload) -> bytes[0] += payload.readableBytes());
    byte[] f = Frames.udp(PEER_MAC, OUR_MAC, PEER, US, 4000, 7, Harness.pattern(64, 1));
    // A plain buffer: under the paranoid leak detector of the test run, a leak-aware buffer records
    // a stack trace on every access, which would be the test's allocation, not the stack's.
    ByteBuf frame = Unpooled.wrappedBuffer(f);
    int warmup = 20_000;
    int measured = 100_000;
    for (int i = 0; i < warmup; i++) {
      frame.setIndex(0, f.length);
      stack.ethernet().onFrame(frame, loop.nowNanos(), 0);
    }
    long tid = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < measured; i++) {
      frame.setIndex(0, f.length);
      stack.ethernet().onFrame(frame, loop.nowNanos(), 0);
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    frame.release();
    stack.close();
    System.out.printf("receive path: %d bytes allocated for %d UDP datagrams%n", allocated, measured);
    assertEquals((long) (warmup + measured) * 64, bytes[0]);
    assertEquals(warmup + measured, stack.stats().get(UdpCounter.RX_DATAGRAMS));
    // Less than one byte per packet: no object is allocated per packet (the smallest is 16 bytes).
    assertTrue(allocated < measured, allocated + " bytes allocated for " + measured + " datagrams");
  }
}
