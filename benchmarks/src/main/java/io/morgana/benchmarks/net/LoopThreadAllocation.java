package io.morgana.benchmarks.net;

import static io.morgana.benchmarks.net.ReceivePathBenchmark.MORGANA;
import static io.morgana.benchmarks.net.ReceivePathBenchmark.MORGANA_MAC;
import static io.morgana.benchmarks.net.ReceivePathBenchmark.PEER;
import static io.morgana.benchmarks.net.ReceivePathBenchmark.PEER_MAC;

import io.morgana.api.Udp;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Bytes allocated per packet by {@link ReceivePathBenchmark}'s paths when the stack runs where it
 * runs in a kernel: on a Netty {@code FastThreadLocalThread} like the kernel loop's, where the
 * pooled allocator keeps its per-thread caches and recycles buffer objects (JMH's own threads are
 * not such threads, so its {@code -prof gc} figures include garbage the loop never makes).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.morgana.benchmarks.net.LoopThreadAllocation [PACKETS] [PAYLOAD]</pre>
 *
 * Prints one markdown table row per path: bytes allocated per packet after warm-up, measured with
 * the thread's allocation counter ({@code com.sun.management.ThreadMXBean}).
 */
public final class LoopThreadAllocation {

  private LoopThreadAllocation() {}

  public static void main(String[] args) throws Exception {
    int packets = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int payload = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    Thread t = new FastThreadLocalThread(() -> run(packets, payload), "loop-allocation");
    t.start();
    t.join();
  }

  private static void run(int packets, int payload) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SyncLoop loop = new SyncLoop();
    FrameInjector netif = new FrameInjector(MORGANA_MAC);
    TcpipStack stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null));
    Udp udp = stack.udp();
    long[] received = new long[1];
    udp.listen(7, (src, sport, dst, dport, data) -> received[0] += data.readableBytes());
    udp.listen(8, (src, sport, dst, dport, data) -> udp.write(src, sport, 8, data.retainedDuplicate()));
    ByteBuf udpFrame = ReceivePathBenchmark.Frames.udp(PEER_MAC, MORGANA_MAC, PEER, MORGANA, 5000, 7, payload);
    ByteBuf udpEchoFrame = ReceivePathBenchmark.Frames.udp(PEER_MAC, MORGANA_MAC, PEER, MORGANA, 5000, 8, payload);
    ByteBuf icmpFrame = ReceivePathBenchmark.Frames.icmpEchoRequest(PEER_MAC, MORGANA_MAC, PEER, MORGANA, payload);
    netif.inject(ReceivePathBenchmark.Frames.arpRequest(PEER_MAC, PEER, MORGANA));
    System.out.println("| path (" + payload + "-byte payload, on a FastThreadLocalThread) | B/packet |");
    System.out.println("|---|---:|");
    for (String path : new String[] {"frame in -> UDP handler", "UDP echo (receive + reply)", "ICMP echo (receive + reply)"}) {
      ByteBuf frame = path.startsWith("frame") ? udpFrame : path.startsWith("UDP") ? udpEchoFrame : icmpFrame;
      for (int i = 0; i < packets; i++) {
        netif.inject(frame); // warm-up: JIT, pool caches
      }
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < packets; i++) {
        netif.inject(frame);
      }
      long bytes = mx.getCurrentThreadAllocatedBytes() - before;
      System.out.println("| " + path + " | " + String.format(Locale.ROOT, "%.3f", (double) bytes / packets) + " |");
    }
    stack.close();
    udpFrame.release();
    udpEchoFrame.release();
    icmpFrame.release();
  }
}
