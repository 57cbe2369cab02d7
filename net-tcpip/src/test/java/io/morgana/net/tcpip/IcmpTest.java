package io.morgana.net.tcpip;

import io.morgana.net.tcpip.icmp.IcmpCounter;
import io.morgana.net.tcpip.udp.UdpCounter;
import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ICMPv4 (RFC 792, RFC 1122 §3.2.2) against frames written by hand. */
class IcmpTest {

  private DeterministicLoop loop;
  private TrackingAllocator alloc;
  private CaptureNetif netif;
  private TcpipStack stack;

  @BeforeEach
  void setUp() {
    loop = new DeterministicLoop();
    alloc = new TrackingAllocator();
    netif = new CaptureNetif(OUR_MAC, 1500);
    stack = new TcpipStack(netif, loop, Ipv4Config.of("192.0.2.2/24", null), alloc);
    loop.runUntilIdle();
    inject(Frames.arp(PEER_MAC, MacAddress.BROADCAST, new ArpHeader(1, PEER_MAC, PEER, MacAddress.ZERO, US)));
    netif.written.clear();
  }

  @AfterEach
  void tearDown() {
    stack.close();
    assertEquals(0, alloc.outstanding());
  }

  private void inject(byte[] frame) {
    ByteBuf b = Unpooled.wrappedBuffer(frame);
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
    loop.runUntilIdle();
  }

  /** An ICMP error from the peer quoting a UDP datagram we sent from {@code localPort}. */
  private byte[] errorAboutOurUdp(int type, int code, int rest, int localPort) {
    byte[] ours = Frames.ipv4(OUR_MAC, PEER_MAC, US, PEER, 17, 5, false, 0,
        Frames.udpDatagram(US, PEER, localPort, 53, new byte[20]));
    byte[] quote = Arrays.copyOfRange(ours, 14, 14 + 28);
    return Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 6, false, 0, Frames.icmp(type, code, rest, quote));
  }

  @Test
  void rfc1122_3_2_2_1_fragmentationNeededReachesTheUdpSender() {
    List<String> errors = new ArrayList<>();
    stack.udp().listenErrors((remote, rport, lport, type, code) -> errors.add(remote + ":" + rport + "<" + lport + " " + type + "/" + code));
    inject(errorAboutOurUdp(3, 4, 1280, 50000));
    assertEquals(List.of("192.0.2.1:53<50000 3/4"), errors);
    assertEquals(1, stack.stats().get(IcmpCounter.RX_ERRORS_DELIVERED));
  }

  @Test
  void rfc1122_3_2_2_perPortErrorHandlerTakesPrecedence() {
    List<String> port = new ArrayList<>();
    List<String> any = new ArrayList<>();
    stack.udp().listenErrors(50000, (remote, rport, lport, type, code) -> port.add("port"));
    stack.udp().listenErrors((remote, rport, lport, type, code) -> any.add("any"));
    inject(errorAboutOurUdp(11, 0, 0, 50000));
    inject(errorAboutOurUdp(3, 1, 0, 50001));
    assertEquals(List.of("port"), port);
    assertEquals(List.of("any"), any);
    assertEquals(2, stack.stats().get(UdpCounter.RX_ICMP_ERRORS));
  }

  @Test
  void rfc1122_3_2_2_errorsNeverAnswerErrors() {
    // An ICMP error quoting a datagram of a protocol nobody handles goes to the app, never back out.
    byte[] quote = Arrays.copyOfRange(Frames.ipv4(OUR_MAC, PEER_MAC, US, PEER, 99, 5, false, 0, new byte[8]), 14, 42);
    inject(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 6, false, 0, Frames.icmp(3, 2, 0, quote)));
    assertTrue(netif.written.isEmpty());
    assertEquals(1, stack.stats().get(IcmpCounter.RX_ERRORS));
  }

  @Test
  void rfc1122_3_2_2_6_echoToBroadcastIsIgnored() {
    inject(Frames.ipv4(PEER_MAC, MacAddress.BROADCAST, PEER, Ipv4Address.parse("192.0.2.255"), 1, 7, false, 0,
        Frames.icmp(8, 0, 0x10001, new byte[16])));
    assertTrue(netif.written.isEmpty());
    assertEquals(1, stack.stats().get(IcmpCounter.RX_DROP_BROADCAST_ECHO));
  }

  @Test
  void rfc792_echoReplyIsTheRequestWithTypeZeroAndAValidChecksum() throws Exception {
    byte[] request = Frames.icmp(8, 0, 0xbeef0001, Harness.pattern(100, 3));
    inject(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 7, false, 0, request));
    assertEquals(1, netif.written.size());
    byte[] reply = Arrays.copyOfRange(netif.written.getFirst(), 34, netif.written.getFirst().length);
    assertEquals(request.length, reply.length);
    assertEquals(0, reply[0]);
    assertEquals(io.morgana.net.tcpip.wire.IcmpHeader.parse(Unpooled.wrappedBuffer(reply)),
        new io.morgana.net.tcpip.wire.IcmpHeader(0, 0, 0xbeef0001));
    assertTrue(Arrays.equals(request, 8, request.length, reply, 8, reply.length));
  }

  @Test
  void rfc792_badChecksumIsACountedDrop() {
    byte[] request = Frames.icmp(8, 0, 0xbeef0001, new byte[8]);
    request[9] ^= 1;
    inject(Frames.ipv4(PEER_MAC, OUR_MAC, PEER, US, 1, 7, false, 0, request));
    assertTrue(netif.written.isEmpty());
    assertEquals(1, stack.stats().get(IcmpCounter.RX_DROP_MALFORMED));
  }
}
