package io.morgana.net.tap;

import io.morgana.runtime.KernelLoop;
import io.morgana.testkit.contract.LoopDriver;
import io.morgana.testkit.contract.NetifContract;
import io.morgana.testkit.interop.NetworkNamespace;
import io.morgana.testkit.interop.NetworkNamespaceExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link TapNetif} passes the {@link NetifContract}. The link: two TAP devices in a test network
 * namespace, enslaved to one Linux bridge, so every frame the interface under test sends crosses
 * the kernel (TAP driver, bridge, TAP driver) to the peer — another {@code TapNetif} — and back.
 * Both run on one {@link KernelLoop} started inside the namespace, woken by the TAP descriptors.
 * IPv6 is turned off in the namespace so the kernel adds no traffic of its own.
 */
@ExtendWith(NetworkNamespaceExtension.class)
class TapNetifContractTest extends NetifContract {

  private NetworkNamespace ns;

  @BeforeEach
  void namespace(NetworkNamespace ns) {
    this.ns = ns;
  }

  @Override
  protected Link connect() throws Exception {
    ns.execOk(
        "sh",
        "-c",
        "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6;"
            + " echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    ns.execOk("ip", "link", "add", "mgbr0", "type", "bridge");
    ns.execOk("ip", "link", "set", "mgbr0", "up");
    KernelLoop loop =
        ns.callInside(
            () -> {
              KernelLoop l = new KernelLoop("tap-contract");
              l.start();
              return l;
            });
    TapNetif local = null;
    TapNetif peer = null;
    try {
      local = ns.callInside(() -> TapNetif.open(TapConfig.of("mgl0"), loop));
      peer = ns.callInside(() -> TapNetif.open(TapConfig.of("mgr0"), loop));
      for (String dev : new String[] {"mgl0", "mgr0"}) {
        ns.execOk("ip", "link", "set", dev, "master", "mgbr0");
        ns.execOk("ip", "link", "set", dev, "up");
      }
      // The kernel drops what it sends through a TAP until linkwatch has activated it.
      TapNetifTest.awaitLinkUp(ns, "mgl0");
      TapNetifTest.awaitLinkUp(ns, "mgr0");
      TapNetifTest.awaitLinkUp(ns, "mgbr0");
      return new Link(local, peer, LoopDriver.threaded(loop), loop);
    } catch (Exception | Error e) {
      if (local != null) {
        local.close();
      }
      if (peer != null) {
        peer.close();
      }
      loop.close();
      throw e;
    }
  }
}
