package io.morgana.net.tcpip;

import io.morgana.net.tcpip.arp.ArpCounter;
import static io.morgana.net.tcpip.StackFuzzProperties.OUR_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER;
import static io.morgana.net.tcpip.StackFuzzProperties.PEER_MAC;
import static io.morgana.net.tcpip.StackFuzzProperties.US;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.net.tcpip.wire.ArpHeader;
import io.morgana.net.tcpip.wire.EthernetHeader;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.testkit.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ARP (RFC 826, RFC 1122 §2.3.2.1, RFC 5227) against frames written by hand. */
class ArpTest {

  private static final MacAddress OTHER_MAC = MacAddress.parse("02:00:00:00:00:99");

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
  }

  @AfterEach
  void tearDown() {
    stack.close();
    assertEquals(0, alloc.outstanding());
  }

  private void inject(MacAddress ethDst, ArpHeader arp) {
    ByteBuf b = Unpooled.wrappedBuffer(Frames.arp(arp.senderHardware(), ethDst, arp));
    stack.ethernet().onFrame(b, loop.nowNanos(), 0);
    b.release();
    loop.runUntilIdle();
  }

  private static ArpHeader request(MacAddress sha, Ipv4Address spa, Ipv4Address tpa) {
    return new ArpHeader(1, sha, spa, MacAddress.ZERO, tpa);
  }

  @Test
  void rfc5227_2_3_startAnnouncesOurAddress() throws Exception {
    assertEquals(1, netif.written.size());
    ByteBuf f = Unpooled.wrappedBuffer(netif.written.getFirst());
    assertEquals(new EthernetHeader(MacAddress.BROADCAST, OUR_MAC, 0x0806), EthernetHeader.parse(f));
    assertEquals(new ArpHeader(1, OUR_MAC, US, MacAddress.ZERO, US), ArpHeader.parse(f.skipBytes(14)));
  }

  @Test
  void rfc826_requestForUsIsAnsweredToTheRequesterWhoIsLearnt() throws Exception {
    netif.written.clear();
    inject(MacAddress.BROADCAST, request(PEER_MAC, PEER, US));
    assertEquals(1, netif.written.size());
    ByteBuf f = Unpooled.wrappedBuffer(netif.written.getFirst());
    assertEquals(new EthernetHeader(PEER_MAC, OUR_MAC, 0x0806), EthernetHeader.parse(f));
    assertEquals(new ArpHeader(2, OUR_MAC, US, PEER_MAC, PEER), ArpHeader.parse(f.skipBytes(14)));
    assertEquals(PEER_MAC, stack.arp().lookup(PEER).orElseThrow());
  }

  @Test
  void rfc826_requestForAnotherHostIsNeitherAnsweredNorLearnt() {
    netif.written.clear();
    inject(MacAddress.BROADCAST, request(PEER_MAC, PEER, Ipv4Address.parse("192.0.2.77")));
    assertTrue(netif.written.isEmpty());
    assertTrue(stack.arp().lookup(PEER).isEmpty());
    assertEquals(1, stack.stats().get(ArpCounter.RX_IGNORED_NOT_FOR_US));
  }

  @Test
  void rfc5227_announcementUpdatesAnExistingEntryOnly() {
    inject(MacAddress.BROADCAST, request(PEER_MAC, PEER, US));
    inject(MacAddress.BROADCAST, request(OTHER_MAC, PEER, PEER)); // PEER moved to another card
    assertEquals(OTHER_MAC, stack.arp().lookup(PEER).orElseThrow());
    Ipv4Address stranger = Ipv4Address.parse("192.0.2.50");
    inject(MacAddress.BROADCAST, request(OTHER_MAC, stranger, stranger));
    assertTrue(stack.arp().lookup(stranger).isEmpty(), "an announcement creates no entry");
  }

  @Test
  void rfc5227_2_4_anotherHostClaimingOurAddressIsACountedConflictNotLearnt() {
    inject(MacAddress.BROADCAST, request(OTHER_MAC, US, US));
    assertEquals(1, stack.stats().get(ArpCounter.ADDRESS_CONFLICTS));
    assertEquals(0, stack.arp().entryCount());
  }

  @Test
  void rfc5227_2_1_probeForOurAddressIsAnsweredButTeachesNothing() throws Exception {
    netif.written.clear();
    inject(MacAddress.BROADCAST, request(PEER_MAC, Ipv4Address.ANY, US));
    assertEquals(1, netif.written.size());
    ByteBuf f = Unpooled.wrappedBuffer(netif.written.getFirst()).skipBytes(14);
    assertEquals(new ArpHeader(2, OUR_MAC, US, PEER_MAC, Ipv4Address.ANY), ArpHeader.parse(f));
    assertEquals(0, stack.arp().entryCount());
  }

  @Test
  void rfc826_unsolicitedReplyToUsIsLearnt() {
    inject(OUR_MAC, new ArpHeader(2, PEER_MAC, PEER, OUR_MAC, US));
    assertEquals(PEER_MAC, stack.arp().lookup(PEER).orElseThrow());
    assertEquals(1, stack.stats().get(ArpCounter.RX_REPLIES));
  }

  @Test
  void rfc826_ourOwnFramesAndGroupSendersAreNotLearnt() {
    inject(MacAddress.BROADCAST, request(OUR_MAC, PEER, US));
    inject(MacAddress.BROADCAST, request(MacAddress.parse("03:00:00:00:00:01"), PEER, US));
    assertEquals(0, stack.arp().entryCount());
    assertEquals(2, stack.stats().get(ArpCounter.RX_DROP_BOGUS_SENDER));
  }

  @Test
  void rfc5227_2_1_replyToOurProbeFromZero_completesTheQuery_replyForAnotherMacDoesNot() throws Exception {
    // An unconfigured interface (a DHCP client checking an offered address) asks from 0.0.0.0;
    // the owner answers to 0.0.0.0 at our MAC.
    CaptureNetif probing = new CaptureNetif(OUR_MAC, 1500);
    TcpipStack unconfigured = new TcpipStack(probing, loop, Ipv4Config.UNCONFIGURED, alloc);
    try {
      loop.runUntilIdle();
      java.util.concurrent.CompletableFuture<MacAddress> q = unconfigured.arp().query(PEER).toCompletableFuture();
      loop.runUntilIdle();
      ArpHeader asked = ArpHeader.parse(Unpooled.wrappedBuffer(probing.written.getLast()).skipBytes(EthernetHeader.LENGTH));
      assertEquals(Ipv4Address.ANY, asked.senderProtocol());
      java.util.function.Consumer<ArpHeader> in = arp -> {
        ByteBuf b = Unpooled.wrappedBuffer(Frames.arp(arp.senderHardware(), OUR_MAC, arp));
        unconfigured.ethernet().onFrame(b, loop.nowNanos(), 0);
        b.release();
        loop.runUntilIdle();
      };
      in.accept(new ArpHeader(2, OTHER_MAC, PEER, MacAddress.parse("02:00:00:00:00:42"), Ipv4Address.ANY));
      assertTrue(!q.isDone(), "a reply to another hardware address answered our query");
      in.accept(new ArpHeader(2, PEER_MAC, PEER, OUR_MAC, Ipv4Address.ANY));
      assertEquals(PEER_MAC, q.getNow(null));
    } finally {
      unconfigured.close();
    }
  }

  @Test
  void deconfigure_forgetsTheAddress_andArpStopsAnsweringForIt() {
    stack.ip().deconfigure();
    loop.runUntilIdle();
    assertTrue(stack.ip().address().isEmpty());
    assertTrue(stack.arp().addresses().isEmpty());
    netif.written.clear();
    inject(MacAddress.BROADCAST, request(PEER_MAC, PEER, US));
    assertTrue(netif.written.isEmpty(), "answered ARP for an address no longer ours");
  }
}
