package io.morgana.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Ipv4Address;
import io.morgana.api.MacAddress;
import io.morgana.api.Netif;
import io.morgana.api.NetifStats;
import io.morgana.runtime.nativeio.Libc;
import io.morgana.runtime.DeterministicLoop;
import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link TapNetif} against the Linux TUN/TAP driver, inside a test network namespace: opening,
 * attaching, the MTU, refusals, and frames both ways with the kernel on a real {@link KernelLoop}.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class TapNetifTest {

  private static final MacAddress MORGANA_MAC = MacAddress.parse("02:00:5e:10:00:02");
  private static final Ipv4Address KERNEL_IP = Ipv4Address.parse("192.0.2.1");
  private static final Ipv4Address MORGANA_IP = Ipv4Address.parse("192.0.2.2");

  @Test
  void open_createsTheDeviceInTheNamespace_andItGoesWithClose(NetworkNamespace ns) throws Exception {
    DeterministicLoop loop = new DeterministicLoop();
    TapNetif tap = ns.callInside(() -> TapNetif.open(TapConfig.of("mg0"), loop));
    try {
      assertEquals("mg0", tap.name());
      assertEquals(1500, tap.mtu());
      assertTrue(tap.mac().isLocallyAdministered() && !tap.mac().isMulticast(), tap.mac().toString());
      assertTrue(tap.readinessFd() >= 0);
      assertTrue(ns.execOk("ip", "-d", "link", "show", "mg0").stdout().contains("tun type tap"));
    } finally {
      tap.close();
    }
    assertFalse(ns.exec("ip", "link", "show", "mg0").ok(), "a device this process created goes");
    assertEquals(-1, tap.readinessFd());
    tap.close(); // idempotent
  }

  @Test
  void open_resolvesANamePattern(NetworkNamespace ns) throws Exception {
    try (TapNetif tap = ns.callInside(() -> TapNetif.open(TapConfig.of("mgp%d"), new DeterministicLoop()))) {
      assertEquals("mgp0", tap.name());
      ns.execOk("ip", "link", "show", "mgp0");
    }
  }

  @Test
  void open_attachesToAPersistentTap_withTheDeviceMtu_andLeavesIt(NetworkNamespace ns) throws Exception {
    ns.execOk("ip", "tuntap", "add", "dev", "mg1", "mode", "tap");
    ns.execOk("ip", "link", "set", "mg1", "mtu", "1400");
    TapConfig config = new TapConfig("mg1", Optional.of(MORGANA_MAC));
    try (TapNetif tap = ns.callInside(() -> TapNetif.open(config, new DeterministicLoop()))) {
      assertEquals(1400, tap.mtu());
      assertEquals(MORGANA_MAC, tap.mac());
    }
    assertTrue(ns.execOk("ip", "link", "show", "mg1").stdout().contains("mtu 1400"));
  }

  @Test
  void open_refusesAnInterfaceThatIsNotATap(NetworkNamespace ns) {
    TapUnavailableException e =
        assertThrows(
            TapUnavailableException.class,
            () -> ns.callInside(() -> TapNetif.open(TapConfig.of("lo"), new DeterministicLoop())));
    assertEquals(Libc.EINVAL, e.errno());
    assertTrue(e.getMessage().contains("lo") && e.getMessage().contains("not a TAP"), e.getMessage());
  }

  @Test
  void open_refusesASecondAttachment_asBusy(NetworkNamespace ns) throws Exception {
    try (TapNetif first = ns.callInside(() -> TapNetif.open(TapConfig.of("mg2"), new DeterministicLoop()))) {
      TapUnavailableException e =
          assertThrows(
              TapUnavailableException.class,
              () -> ns.callInside(() -> TapNetif.open(TapConfig.of("mg2"), new DeterministicLoop())));
      assertEquals(Libc.EBUSY, e.errno());
      assertTrue(first.readinessFd() >= 0);
    }
  }

  @Test
  void frames_flowBothWaysWithTheKernel_onTheLoopThread(NetworkNamespace ns) throws Exception {
    arpRoundTrip(ns, false);
  }

  /**
   * With {@code IFF_VNET_HDR} every frame read and written starts with a {@code virtio_net_hdr}:
   * the ARP exchange works only if the header is stripped on receive and prepended on transmit.
   */
  @Test
  void withOffload_framesFlowBothWays_theHeaderStrippedAndPrepended_andTsoIsOnAtTheKernelSide(
      NetworkNamespace ns) throws Exception {
    arpRoundTrip(ns, true);
    String features = ns.execOk("ethtool", "-k", "mg3").stdout();
    assertTrue(features.contains("tx-checksumming: on"), features);
    assertTrue(features.contains("tx-tcp-segmentation: on"), features);
  }

  private void arpRoundTrip(NetworkNamespace ns, boolean offload) throws Exception {
    ns.execOk("ip", "tuntap", "add", "dev", "mg3", "mode", "tap");
    ns.execOk("ip", "addr", "add", "192.0.2.1/24", "dev", "mg3");
    ns.execOk("ip", "link", "set", "mg3", "up");
    CompletableFuture<byte[]> arpReply = new CompletableFuture<>();
    try (KernelLoop loop = ns.callInside(() -> {
          KernelLoop l = new KernelLoop("tap-test");
          l.start();
          return l;
        });
        TapNetif tap = ns.callInside(() -> TapNetif.open(new TapConfig("mg3", Optional.of(MORGANA_MAC), offload), loop))) {
      Netif.FrameHandler handler =
          (frame, arrival, flags) -> {
            if (!loop.inLoop()) {
              arpReply.completeExceptionally(new AssertionError("handler off the loop thread"));
            }
            int at = frame.readerIndex();
            if (frame.readableBytes() >= 42
                && frame.getUnsignedShort(at + 12) == 0x0806
                && frame.getUnsignedShort(at + 20) == 2) {
              byte[] bytes = new byte[frame.readableBytes()];
              frame.getBytes(at, bytes);
              arpReply.complete(bytes);
            }
          };
      // Attaching turns the carrier on; the kernel activates the device's queue asynchronously
      // (linkwatch), and drops what it sends until then. Wait for the link to be up.
      awaitLinkUp(ns, "mg3");
      loop.execute(
          () -> {
            tap.listen(handler);
            tap.write(arpRequest(MORGANA_MAC, MORGANA_IP, KERNEL_IP));
          });
      byte[] reply = arpReply.get(30, TimeUnit.SECONDS);
      ByteBuf r = Unpooled.wrappedBuffer(reply);
      assertEquals(MORGANA_MAC, MacAddress.readFrom(r, 0), "addressed to Morgana");
      assertEquals(KERNEL_IP, Ipv4Address.of(r.getInt(28)), "sender protocol address");
      assertEquals(MORGANA_MAC, MacAddress.readFrom(r, 32), "target hardware address");
      NetifStats stats = tap.stats();
      assertTrue(stats.txFrames() >= 1 && stats.txBytes() >= 42, stats.toString());
      assertTrue(stats.rxFrames() >= 1 && stats.rxBytes() >= 42, stats.toString());
      // The kernel learnt Morgana's MAC from the request (RFC 826: merge the sender).
      String neigh = ns.execOk("ip", "neigh", "show", "192.0.2.2", "dev", "mg3").stdout();
      assertTrue(neigh.contains(MORGANA_MAC.toString()), neigh);
    }
  }

  @Test
  void write_refusesRuntsAndFramesOverTheMtu_countingAndReleasingThem(NetworkNamespace ns)
      throws Exception {
    try (TapNetif tap = ns.callInside(() -> TapNetif.open(TapConfig.of("mg4"), new DeterministicLoop()))) {
      ByteBuf runt = Unpooled.directBuffer(13).writeZero(13);
      ByteBuf giant = Unpooled.directBuffer(tap.mtu() + 15).writeZero(tap.mtu() + 15);
      assertFalse(tap.write(runt));
      assertFalse(tap.write(giant));
      assertEquals(0, runt.refCnt());
      assertEquals(0, giant.refCnt());
      assertEquals(2, tap.stats().txDropped());
      assertEquals(0, tap.stats().txFrames());
    }
  }

  @Test
  void write_afterClose_isACountedDrop(NetworkNamespace ns) throws Exception {
    TapNetif tap = ns.callInside(() -> TapNetif.open(TapConfig.of("mg5"), new DeterministicLoop()));
    tap.close();
    ByteBuf frame = arpRequest(tap.mac(), MORGANA_IP, KERNEL_IP);
    assertFalse(tap.write(frame));
    assertEquals(0, frame.refCnt());
    assertEquals(1, tap.stats().txDropped());
    assertFalse(tap.poll(0));
  }

  @Test
  void deviceDeletedUnderIt_isDetachedFromTheLoop_andWritesAreCountedDrops(NetworkNamespace ns)
      throws Exception {
    ns.execOk("ip", "tuntap", "add", "dev", "mg6", "mode", "tap");
    try (KernelLoop loop = ns.callInside(() -> {
          KernelLoop l = new KernelLoop("tap-gone");
          l.start();
          return l;
        });
        TapNetif tap = ns.callInside(() -> TapNetif.open(TapConfig.of("mg6"), loop))) {
      ns.execOk("ip", "link", "del", "mg6");
      // The kernel marks the descriptor in error (POLLERR); the loop polls the interface, whose
      // read fails with EBADFD: it detaches instead of being polled forever.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      boolean accepted = true;
      while (accepted && System.nanoTime() - deadline < 0) {
        CompletableFuture<Boolean> w = new CompletableFuture<>();
        loop.execute(() -> w.complete(tap.write(arpRequest(tap.mac(), MORGANA_IP, KERNEL_IP))));
        accepted = w.get(30, TimeUnit.SECONDS);
        if (accepted) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
      }
      assertFalse(accepted, "writes to a deleted device must be refused");
      assertTrue(tap.stats().txDropped() >= 1, tap.stats().toString());
      assertEquals(0, loop.failures(), "nothing threw on the loop");
    }
  }

  /**
   * Waits (up to 30 s) until {@code ip link show DEV} reports a carrier ({@code LOWER_UP}) and a
   * real queueing discipline (not {@code noop}).
   */
  static void awaitLinkUp(NetworkNamespace ns, String dev) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String show = "";
    while (System.nanoTime() - deadline < 0) {
      show = ns.execOk("ip", "link", "show", "dev", dev).stdout();
      if (show.contains("LOWER_UP") && !show.contains("qdisc noop")) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("link " + dev + " did not come up: " + show);
  }

  /** An Ethernet II frame carrying an ARP request (RFC 826) from {@code mac}/{@code ip} for {@code target}. */
  static ByteBuf arpRequest(MacAddress mac, Ipv4Address ip, Ipv4Address target) {
    ByteBuf f = Unpooled.directBuffer(42);
    f.writeBytes(MacAddress.BROADCAST.toBytes()).writeBytes(mac.toBytes()).writeShort(0x0806);
    f.writeShort(1).writeShort(0x0800).writeByte(6).writeByte(4).writeShort(1);
    f.writeBytes(mac.toBytes()).writeInt(ip.toInt());
    f.writeBytes(MacAddress.ZERO.toBytes()).writeInt(target.toInt());
    return f;
  }
}
