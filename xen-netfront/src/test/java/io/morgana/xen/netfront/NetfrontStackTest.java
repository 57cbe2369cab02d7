package io.morgana.xen.netfront;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.Ipv4Config;
import io.morgana.net.tcpip.TcpipStack;
import io.morgana.testkit.EthernetSwitch;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Morgana's TCP/IP stack over {@link XenNetfront}, talking to a second stack on the switch that
 * the Java netback bridges the vif to: ARP, ping and UDP cross the netif rings both ways.
 */
class NetfrontStackTest {

  private static final Ipv4Address GUEST = Ipv4Address.parse("192.0.2.2");
  private static final Ipv4Address PEER = Ipv4Address.parse("192.0.2.1");

  @Test
  void pingAndUdpBetweenAStackOnNetfrontAndAStackOnTheSwitch() {
    try (NetfrontFixture f = new NetfrontFixture()) {
      XenNetfront netfront = f.connect(XenNetfront.DEFAULT_GRANTS);
      EthernetSwitch.Port port = f.sw.newPort(MacAddress.parse("02:00:00:00:00:01"), 1500);
      TcpipStack guest = new TcpipStack(netfront, f.loop, Ipv4Config.of("192.0.2.2/24", null));
      TcpipStack peer = new TcpipStack(port, f.loop, Ipv4Config.of("192.0.2.1/24", null));
      try {
        f.loop.runUntilIdle();
        // Ping the guest from the switch side, and the switch side from the guest.
        List<String> replies = new ArrayList<>();
        peer.icmp().listen((src, type, code, body) -> replies.add("peer got " + type + " from " + src));
        guest.icmp().listen((src, type, code, body) -> replies.add("guest got " + type + " from " + src));
        for (int seq = 1; seq <= 3; seq++) {
          ByteBuf echo = peer.allocate(64);
          echo.writeShort(0x4d47).writeShort(seq).writeZero(56);
          f.loop.execute(() -> peer.icmp().write(GUEST, 8, 0, echo));
          f.loop.runUntilIdle();
          ByteBuf echo2 = guest.allocate(64);
          echo2.writeShort(0x4d48).writeShort(seq).writeZero(56);
          f.loop.execute(() -> guest.icmp().write(PEER, 8, 0, echo2));
          f.loop.runUntilIdle();
        }
        assertEquals(List.of("peer got 0 from 192.0.2.2", "guest got 0 from 192.0.2.1",
            "peer got 0 from 192.0.2.2", "guest got 0 from 192.0.2.1",
            "peer got 0 from 192.0.2.2", "guest got 0 from 192.0.2.1"), replies);

        // UDP echo on the guest, a client on the switch side.
        guest.udp().listen(7, (src, sport, dst, dport, payload) -> {
          ByteBuf answer = guest.allocate(payload.readableBytes());
          answer.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
          guest.udp().write(src, sport, 7, answer);
        });
        List<String> got = new ArrayList<>();
        peer.udp().listen(40000, (src, sport, dst, dport, payload) ->
            got.add(src + ":" + sport + " " + payload.toString(StandardCharsets.US_ASCII)));
        for (int i = 0; i < 100; i++) {
          ByteBuf d = peer.allocate(32);
          d.writeCharSequence("hello over netif " + i, StandardCharsets.US_ASCII);
          f.loop.execute(() -> peer.udp().write(GUEST, 7, 40000, d));
        }
        f.loop.runUntilIdle();
        assertEquals(100, got.size());
        assertEquals("192.0.2.2:7 hello over netif 99", got.get(99));
        assertEquals(0, netfront.rxErrors());
      } finally {
        guest.close();
        peer.close();
      }
    }
  }
}
