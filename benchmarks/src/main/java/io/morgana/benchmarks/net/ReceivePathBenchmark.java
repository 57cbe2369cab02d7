package io.morgana.benchmarks.net;

import io.morgana.api.Icmp;
import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.api.Udp;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receive path of Morgana's stack, one frame per operation, as the TAP driver delivers it (a
 * copy into a pooled direct buffer, see {@link FrameInjector}):
 *
 * <ul>
 *   <li>{@link #deliveryOnly}: the driver's share alone: the copy into a pooled buffer and a
 *       handler that does nothing (the baseline the others include).
 *   <li>{@link #udpToHandler}: an Ethernet/IPv4/UDP frame in, the UDP handler of port 7 called
 *       with the payload (checksums verified on the way).
 *   <li>{@link #udpEcho}: the same frame to an echo handler that writes the payload back (the
 *       {@code EchoServer} of examples/echo): receive, then the whole send path down to the
 *       device.
 *   <li>{@link #icmpEcho}: an ICMP echo request in, the stack's echo reply out.
 * </ul>
 *
 * Run with the GC profiler to see allocation per packet ({@code gc.alloc.rate.norm}, bytes/op):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ReceivePathBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class ReceivePathBenchmark {

  static final MacAddress MORGANA_MAC = MacAddress.parse("02:00:5e:10:00:02");
  static final MacAddress PEER_MAC = MacAddress.parse("02:00:5e:10:00:01");
  static final Ipv4Address MORGANA = Ipv4Address.parse("192.0.2.2");
  static final Ipv4Address PEER = Ipv4Address.parse("192.0.2.1");

  /** UDP payload bytes (ICMP data bytes for {@link #icmpEcho}). */
  @Param({"64", "1024"})
  public int payload;

  private SyncLoop loop;
  private FrameInjector netif;
  private TcpipStack stack;
  private ByteBuf udpFrame;
  private ByteBuf udpEchoFrame;
  private ByteBuf icmpFrame;
  private long received;
  private FrameInjector bare;
  private long bareFrames;

  @Setup(Level.Trial)
  public void setUp() {
    loop = new SyncLoop();
    netif = new FrameInjector(MORGANA_MAC);
    stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null));
    Udp udp = stack.udp();
    udp.listen(7, (src, sport, dst, dport, data) -> received += data.readableBytes());
    udp.listen(8, (src, sport, dst, dport, data) -> udp.write(src, sport, 8, data.retainedDuplicate()));
    udpFrame = Frames.udp(PEER_MAC, MORGANA_MAC, PEER, MORGANA, 5000, 7, payload);
    udpEchoFrame = Frames.udp(PEER_MAC, MORGANA_MAC, PEER, MORGANA, 5000, 8, payload);
    icmpFrame = Frames.icmpEchoRequest(PEER_MAC, MORGANA_MAC, PEER, MORGANA, payload);
    bare = new FrameInjector(MORGANA_MAC);
    bare.listen((frame, at, flags) -> bareFrames += frame.readableBytes());
    // Learn the peer's MAC (an ARP request from it), so replies go out at once.
    netif.inject(Frames.arpRequest(PEER_MAC, PEER, MORGANA));
    for (int i = 0; i < 3; i++) {
      udpEcho();
      icmpEcho();
      udpToHandler();
    }
    if (netif.txFrames < 6 || received == 0) {
      throw new IllegalStateException(
          "the stack does not answer: tx " + netif.txFrames + ", udp bytes " + received + ", " + stack.stats());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stack.close();
    udpFrame.release();
    udpEchoFrame.release();
    icmpFrame.release();
  }

  @Benchmark
  public long deliveryOnly() {
    bare.inject(udpFrame);
    return bareFrames;
  }

  @Benchmark
  public long udpToHandler() {
    netif.inject(udpFrame);
    return received;
  }

  @Benchmark
  public long udpEcho() {
    netif.inject(udpEchoFrame);
    return netif.txFrames;
  }

  @Benchmark
  public long icmpEcho() {
    netif.inject(icmpFrame);
    return netif.txFrames;
  }

  /** Golden frames built byte by byte (RFC 791, 768, 792, 826 layouts). */
  static final class Frames {
    private Frames() {}

    static ByteBuf udp(MacAddress src, MacAddress dst, Ipv4Address from, Ipv4Address to,
        int sport, int dport, int size) {
      ByteBuf f = Unpooled.directBuffer(42 + size);
      ethernet(f, src, dst, 0x0800);
      ipv4(f, from, to, 17, 8 + size);
      int udpAt = f.writerIndex();
      f.writeShort(sport).writeShort(dport).writeShort(8 + size).writeShort(0);
      for (int i = 0; i < size; i++) {
        f.writeByte(i);
      }
      long sum = pseudoHeaderSum(from, to, 17, 8 + size) + sum(f, udpAt, 8 + size);
      int c = fold(sum);
      f.setShort(udpAt + 6, c == 0 ? 0xffff : c);
      return f;
    }

    static ByteBuf icmpEchoRequest(MacAddress src, MacAddress dst, Ipv4Address from, Ipv4Address to, int size) {
      ByteBuf f = Unpooled.directBuffer(42 + size);
      ethernet(f, src, dst, 0x0800);
      ipv4(f, from, to, 1, 8 + size);
      int at = f.writerIndex();
      f.writeByte(Icmp.TYPE_ECHO_REQUEST).writeByte(0).writeShort(0).writeShort(0x1234).writeShort(1);
      for (int i = 0; i < size; i++) {
        f.writeByte(i);
      }
      f.setShort(at + 2, fold(sum(f, at, 8 + size)));
      return f;
    }

    static ByteBuf arpRequest(MacAddress mac, Ipv4Address ip, Ipv4Address target) {
      ByteBuf f = Unpooled.directBuffer(42);
      ethernet(f, mac, MacAddress.BROADCAST, 0x0806);
      f.writeShort(1).writeShort(0x0800).writeByte(6).writeByte(4).writeShort(1);
      f.writeBytes(mac.toBytes()).writeInt(ip.toInt());
      f.writeBytes(MacAddress.ZERO.toBytes()).writeInt(target.toInt());
      return f;
    }

    private static void ethernet(ByteBuf f, MacAddress src, MacAddress dst, int type) {
      f.writeBytes(dst.toBytes()).writeBytes(src.toBytes()).writeShort(type);
    }

    private static void ipv4(ByteBuf f, Ipv4Address from, Ipv4Address to, int protocol, int payload) {
      int at = f.writerIndex();
      f.writeByte(0x45).writeByte(0).writeShort(20 + payload).writeShort(0x4d47).writeShort(0)
          .writeByte(64).writeByte(protocol).writeShort(0).writeInt(from.toInt()).writeInt(to.toInt());
      f.setShort(at + 10, fold(sum(f, at, 20)));
    }

    private static long pseudoHeaderSum(Ipv4Address from, Ipv4Address to, int protocol, int length) {
      int a = from.toInt();
      int b = to.toInt();
      return (a >>> 16) + (a & 0xffff) + (b >>> 16) + (b & 0xffff) + protocol + length;
    }

    private static long sum(ByteBuf f, int at, int length) {
      long s = 0;
      int i = 0;
      for (; i + 1 < length; i += 2) {
        s += f.getUnsignedShort(at + i);
      }
      if (i < length) {
        s += (f.getUnsignedByte(at + i) << 8);
      }
      return s;
    }

    private static int fold(long sum) {
      while ((sum >>> 16) != 0) {
        sum = (sum & 0xffff) + (sum >>> 16);
      }
      return (int) (~sum & 0xffff);
    }
  }
}
