package io.morgana.net.tcpip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Ipv4Address;
import io.morgana.api.Netif;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.EthernetSwitch;
import io.morgana.testkit.FakeClock;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Stacks on an in-memory switch, on a deterministic loop over a fake clock, with counted buffers. */
final class Harness implements AutoCloseable {

  final FakeClock clock = new FakeClock();
  final DeterministicLoop loop = new DeterministicLoop(clock);
  final TrackingAllocator alloc = new TrackingAllocator();
  final EthernetSwitch ethernetSwitch = new EthernetSwitch(loop);
  private final List<TcpipStack> stacks = new ArrayList<>();
  private final List<Netif> netifs = new ArrayList<>();

  TcpipStack stack(String cidr, String gateway) {
    return stack(ethernetSwitch.newPort(), cidr, gateway);
  }

  TcpipStack stack(Netif netif, String cidr, String gateway) {
    netifs.add(netif);
    TcpipStack s = new TcpipStack(netif, loop,
        cidr == null ? Ipv4Config.UNCONFIGURED : Ipv4Config.of(cidr, gateway), alloc);
    stacks.add(s);
    return s;
  }

  /** A stack with its own TCP settings. */
  TcpipStack tcpStack(Netif netif, String cidr, io.morgana.net.tcpip.tcp.TcpSettings tcp) {
    netifs.add(netif);
    TcpipStack s = new TcpipStack(netif, loop, Ipv4Config.of(cidr, null), alloc, tcp);
    stacks.add(s);
    return s;
  }

  void run() {
    loop.runUntilIdle();
  }

  void advance(Duration d) {
    loop.advance(d);
  }

  /** A buffer with headroom holding {@code data}, from the stack's allocator. */
  ByteBuf payload(TcpipStack stack, byte[] data) {
    ByteBuf b = stack.allocate(data.length);
    b.writeBytes(data);
    return b;
  }

  static byte[] bytes(ByteBuf b) {
    return ByteBufUtil.getBytes(b);
  }

  static Ipv4Address ip(String s) {
    return Ipv4Address.parse(s);
  }

  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    int x = seed * 0x9e3779b9 + 1;
    for (int i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      b[i] = (byte) x;
    }
    return b;
  }

  /** Closes the stacks and the switch, then asserts every buffer the stacks allocated was released. */
  @Override
  public void close() {
    loop.runUntilIdle();
    for (TcpipStack s : stacks) {
      s.close();
    }
    for (Netif n : netifs) {
      n.close();
    }
    ethernetSwitch.close();
    loop.runUntilIdle();
    assertEquals(0, alloc.outstanding(), "buffers allocated by the stacks and never released");
  }
}
